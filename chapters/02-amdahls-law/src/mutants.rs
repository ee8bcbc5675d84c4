//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is what a learner could have written, kept as its diff against
//! the reference solution (`src/mutants/eK_*.diff`, made into Rust by the shared build script),
//! and `cargo xtask exercise verify` proves the exercise's suite fails it with a message that
//! names the fault.

include!(concat!(env!("OUT_DIR"), "/mutants.rs"));
