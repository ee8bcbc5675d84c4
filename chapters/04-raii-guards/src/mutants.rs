//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_busy_wait;
pub mod e1_if_not_while;
pub mod e1_no_notify;
pub mod e1_permit_holds_the_lock;
pub mod e2_guard_held;
pub mod e2_match_scrutinee;
pub mod e2_results_guard_held;
pub mod e2_takes_everything;
pub mod e2_while_let;
