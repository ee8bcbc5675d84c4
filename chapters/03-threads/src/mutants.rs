//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_completion_order;
pub mod e1_debug_payload;
pub mod e1_join_in_loop;
pub mod e1_unnamed_threads;
pub mod e2_busy_wait;
pub mod e2_if_not_while;
pub mod e2_no_notify_all;
pub mod e2_notify_one_at_close;
pub mod e2_stops_before_drained;
