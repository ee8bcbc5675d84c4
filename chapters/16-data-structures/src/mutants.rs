//! Committed wrong solutions of the chapter's exercises, compiled only with `--features
//! mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_every_increment_global;
pub mod e1_exact_read;
pub mod e1_no_reset;
pub mod e1_unlocked_move;
