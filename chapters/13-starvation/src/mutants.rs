//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_every_reader_releases;
pub mod e1_fifo_mutex;
pub mod e1_no_release_after_write;
pub mod e1_turn_held_while_reading;
pub mod e1_turnstile_released_early;
pub mod e2_age_not_divided;
pub mod e2_age_since_start;
pub mod e2_newest_first;
pub mod e2_no_tie_rule;
pub mod e2_strict_priority;
