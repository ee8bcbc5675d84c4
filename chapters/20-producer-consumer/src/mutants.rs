//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is what a learner could have written, kept as its diff against
//! the reference solution (`src/mutants/eK_*.diff`, made into Rust by the shared build script),
//! and `cargo xtask exercise verify` proves the exercise's suite fails it with a message that
//! names the fault.

include!(concat!(env!("OUT_DIR"), "/mutants.rs"));

/// The reference bounded buffer of exercise 20.1, compiled a second time for the 20.2 mutants:
/// `cargo xtask exercise verify` builds the mutants with every starter of the chapter swapped
/// in, `buffer` (20.1's) too, and a 20.2 mutant, like a learner's 20.2, must be graded on a
/// working buffer.
#[allow(
    clippy::duplicate_mod,
    reason = "a second copy on purpose, whichever buffer `crate::buffer` is"
)]
#[path = "solutions/e1_bounded_buffer.rs"]
pub mod buffer;
