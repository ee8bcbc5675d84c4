//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_close_wakes_one;
pub mod e1_if_not_while;
pub mod e1_never_waits_when_full;
pub mod e1_put_after_close;
pub mod e1_put_wakes_nobody;
pub mod e1_take_wakes_nobody;
pub mod e2_close_instead_of_pills;
pub mod e2_counts_the_pill;
pub mod e2_ignores_pills;
pub mod e2_one_pill;
pub mod e2_stops_when_empty;

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
