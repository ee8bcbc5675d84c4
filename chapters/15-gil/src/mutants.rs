//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_keeps_the_gil;
pub mod e1_never_takes_back;
pub mod e1_releases_after;
pub mod e1_takes_back_too_soon;
pub mod e2_compares_the_new_value;
pub mod e2_load_then_store;
pub mod e2_one_compare_exchange;
pub mod e2_subtract_then_load;
