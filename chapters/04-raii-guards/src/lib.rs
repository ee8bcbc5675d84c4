//! Chapter 4 — The `with` statement becomes RAII.
//!
//! The book's chapter 4 shows two leaks that Python's `with` statement cures: files opened and
//! never closed, and a lock acquired and never released because an exception skipped the
//! `release()`. In Rust the cure is built into every value that owns a resource: a `File`
//! closes, a `MutexGuard` unlocks, when it is dropped — at the end of its scope, on early
//! return, on `?` and on panic. The examples show both book leaks and their Rust cures, then
//! what RAII adds (poisoning), how to write a guard of your own, and the pitfall that remains: a
//! guard that lives too long.
//!
//! The modules, one concept each, in tour order: [`file_handles`], [`guards`], [`poisoning`],
//! [`custom_guard`], [`held_too_long`]; and the exercise modules [`permits`] (4.1) and
//! [`narrow_scope`] (4.2), which the examples use too.

use common::{Chapter, Example};

pub mod custom_guard;
pub mod file_handles;
pub mod guards;
pub mod held_too_long;
pub mod poisoning;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 4.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_permits.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_permits.rs")]
pub mod permits;

/// Exercise 4.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_narrow_scope.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_narrow_scope.rs")]
pub mod narrow_scope;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 4,
    title: "The `with` statement becomes RAII",
    tools: &[],
    examples: &[
        Example {
            name: "file-handles",
            summary: "files kept open hit the descriptor limit (EMFILE); a File closes itself on drop",
            variants: file_handles::Keeping::ALL,
            threads: None,
            run: file_handles::run,
        },
        Example {
            name: "guards",
            summary: "a lock never released after an error hangs the next acquire; a MutexGuard always unlocks",
            variants: guards::Release::ALL,
            threads: None,
            run: guards::run,
        },
        Example {
            name: "poisoning",
            summary: "a thread panics holding a lock: std poisons it (PoisonError, then recover); parking_lot does not",
            variants: poisoning::Mutexes::ALL,
            threads: None,
            run: poisoning::run,
        },
        Example {
            name: "custom-guard",
            summary: "write your own guard: a semaphore permit returned on drop, and a timer that records how long it was held",
            variants: custom_guard::Guarding::ALL,
            threads: None,
            run: custom_guard::run,
        },
        Example {
            name: "held-too-long",
            summary: "a guard alive across slow work serializes the threads; narrow its scope and they overlap",
            variants: held_too_long::Scope::ALL,
            threads: None,
            run: held_too_long::run,
        },
    ],
};
