//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_never_ready;
pub mod e1_no_wake;
pub mod e1_ready_at_once;
pub mod e1_thread_local_flag;
pub mod e2_future_only;
pub mod e2_restarts_timer;
pub mod e2_timer_first;
pub mod e2_wakes_itself;
pub mod e2_zero_is_no_limit;
