//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_load_then_store;
pub mod e1_returns_the_new_value;
pub mod e1_stale_retry;
pub mod e2_all_relaxed;
pub mod e2_load_then_store;
pub mod e2_never_released;
pub mod e2_relaxed_release;
