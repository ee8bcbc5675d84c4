//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_buffered;
pub mod e1_no_limit;
pub mod e1_one_at_a_time;
pub mod e1_unordered;
pub mod e1_waves;
pub mod e1_zero_limit_waits;
pub mod e2_first_in_future;
pub mod e2_local_buffer;
pub mod e2_pending_not_cleared;
pub mod e2_try_recv_second;
