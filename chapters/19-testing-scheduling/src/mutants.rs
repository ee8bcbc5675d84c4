//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_add_then_undo;
pub mod e1_load_then_store;
pub mod e1_one_too_many;
pub mod e1_one_try;
pub mod e2_hour_only;
pub mod e2_not_strictly_after;
pub mod e2_six_days_ahead;
pub mod e2_truncating_division;
