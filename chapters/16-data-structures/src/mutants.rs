//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_every_increment_global;
pub mod e1_exact_read;
pub mod e1_no_reset;
pub mod e1_unlocked_move;
pub mod e2_change_not_published;
pub mod e2_copy_on_read;
pub mod e2_copy_outside_the_lock;
pub mod e2_load_under_the_guard;
