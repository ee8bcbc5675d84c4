//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_finish_order;
pub mod e1_lock_held;
pub mod e1_split_index;
pub mod e1_thread_per_item;
pub mod e2_counts_every_message;
pub mod e2_no_deadline;
pub mod e2_no_wait;
pub mod e2_polling;
pub mod e2_waits_after_hang_up;
