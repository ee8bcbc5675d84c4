//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_drops_held_at_end;
pub mod e1_leading_edge;
pub mod e1_timer_not_restarted;
pub mod e1_waits_after_end;
pub mod e2_drops_held_at_end;
pub mod e2_keeps_the_first;
pub mod e2_quiet_tick_ends;
pub mod e2_sleep_restarted;
pub mod e2_waits_for_a_tick_at_end;
