//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_halo_above_only;
pub mod e1_halo_one_row;
pub mod e1_halo_unclipped;
pub mod e1_on_the_caller;
pub mod e2_drops_remainder;
pub mod e2_finish_order;
pub mod e2_on_the_caller;
pub mod e2_reversed;
pub mod e2_zero_chunk;
