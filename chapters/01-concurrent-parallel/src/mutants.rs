//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_drops_remainder;
pub mod e1_finish_order;
pub mod e1_on_the_caller;
pub mod e1_one_thread_at_a_time;
pub mod e1_strided;
pub mod e1_zero_chunk;
pub mod e2_check_then_add;
pub mod e2_gives_up_on_contention;
pub mod e2_load_then_store;
pub mod e2_one_past_the_end;
