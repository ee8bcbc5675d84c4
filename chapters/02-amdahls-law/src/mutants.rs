//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_gustafson_without_serial;
pub mod e1_no_clamp;
pub mod e1_serial_and_parallel_swapped;
pub mod e1_zero_workers;
pub mod e2_drops_remainder;
pub mod e2_finish_order;
pub mod e2_remainder_to_last;
pub mod e2_serialized;
