//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_chunks_of_threads;
pub mod e1_drops_lone_last;
pub mod e1_finish_order;
pub mod e1_sequential;
pub mod e1_zero_threads;
pub mod e2_drops_remainder;
pub mod e2_empty_input;
pub mod e2_merge_overwrites;
pub mod e2_on_the_caller;
pub mod e2_one_thread_at_a_time;
pub mod e2_overlapping_chunks;
pub mod e2_zero_threads;
