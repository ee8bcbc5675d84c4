//! Chapter 15 — The global interpreter lock.
//!
//! The book's chapter 15 explains why CPython has a GIL (reference counts that threads would
//! otherwise corrupt), shows its cost on a CPU-bound countdown (two threads no faster than one),
//! and its way out (processes, one GIL each). Here the same in Rust: reference counts that are
//! plain or atomic, the countdown in plain Rust, and a GIL modelled on CPython's own (`gil.rs`) so
//! that Rust can show what Python sees — then CPython itself, side by side, when `python3` is
//! installed.
//!
//! The modules, one concept each, in tour order: [`refcount`], [`countdown`], [`global_lock`],
//! [`io_release`], [`python`]; the GIL model in [`gil`], the forced schedule of the racy count in
//! [`forced_pair`], forking in `process` (Unix); and the exercise modules [`allow_threads`] (15.1)
//! and [`refcount_exercise`] (15.2), which the examples use too.

use common::{Chapter, Example, ThreadsSpec};

pub mod countdown;
pub mod forced_pair;
pub mod gil;
pub mod global_lock;
pub mod io_release;
#[cfg(unix)]
pub mod process;
pub mod python;
pub mod refcount;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 15.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_allow_threads.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_allow_threads.rs")]
pub mod allow_threads;

/// Exercise 15.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_refcount.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_refcount.rs")]
pub mod refcount_exercise;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 15,
    title: "The global interpreter lock",
    tools: &[],
    examples: &[
        Example {
            name: "reference-counting",
            summary: "reference counts and aliasing (Rc::strong_count), and why counts shared by threads need atomics — the reason CPython has a GIL",
            variants: refcount::Counting::ALL,
            threads: None,
            run: refcount::run,
        },
        Example {
            name: "countdown",
            summary: "the book's 50,000,000-step countdown: one thread vs two threads vs two processes",
            variants: countdown::Runtime::ALL,
            threads: None,
            run: countdown::run,
        },
        Example {
            name: "global-lock",
            summary: "an interpreter loop where every step needs one global lock, vs no lock: a scaling table for 1..N threads",
            variants: global_lock::Lock::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads at most",
                default: 4,
                min: 1,
                max: 16,
            }),
            run: global_lock::run,
        },
        Example {
            name: "io-releases-the-lock",
            summary: "threads that release the GIL around blocking I/O still overlap their waits",
            variants: io_release::Waiting::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads",
                default: 4,
                min: 1,
                max: 32,
            }),
            run: io_release::run,
        },
        Example {
            name: "python-side-by-side",
            summary: "CPython (if python3 is on PATH) and Rust on the same countdown: threads vs processes, one table",
            variants: python::Programs::ALL,
            threads: None,
            run: python::run,
        },
    ],
};
