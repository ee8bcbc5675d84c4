//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_listed_order;
pub mod e1_sorted_guards;
pub mod e1_sorts_positions;
pub mod e2_busy_wait;
pub mod e2_if_not_while;
pub mod e2_no_limit;
pub mod e2_no_notify;
