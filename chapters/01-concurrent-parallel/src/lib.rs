//! Chapter 1 — Concurrent and parallel programming.
//!
//! The book's first chapter contrasts sequential and concurrent programs: a CPU-bound prime
//! check that more cores speed up, an inherently sequential iteration that they cannot, and the
//! difference between tasks being in progress together (concurrency) and executing at the same
//! instant (parallelism). Every example here runs the real thing — threads, rayon, forked
//! processes — and measures it.
//!
//! The modules, one concept each, in tour order: [`prime_check`] (on [`primes`], with its
//! fork-and-pipe pool in [`process_pool`] and its timing, sweep and charts in
//! [`prime_check_report`]), [`inherently_sequential`], [`io_bound`], [`concurrent_vs_parallel`],
//! [`python`] (the prime check in CPython beside Rust, when `python3` is installed);
//! and the exercise modules [`split`] (1.1) and [`work_index`] (1.2), which `prime-check` uses
//! too.

use common::{Chapter, Example, ThreadsSpec};

pub mod concurrent_vs_parallel;
pub mod inherently_sequential;
pub mod io_bound;
pub mod prime_check;
pub mod prime_check_report;
pub mod primes;
pub mod process_pool;
pub mod python;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 1.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_split.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_split.rs")]
pub mod split;

/// Exercise 1.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_work_index.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_work_index.rs")]
pub mod work_index;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 1,
    title: "Concurrent and parallel programming",
    tools: &[],
    examples: &[
        Example {
            name: "prime-check",
            summary: "trial-division primality of the integers from 10^13: sequential, then threads, rayon and forked processes, with speedups",
            variants: prime_check::Method::ALL,
            threads: Some(ThreadsSpec {
                meaning: "workers",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: prime_check::run,
        },
        Example {
            name: "inherently-sequential",
            summary: "the book's iterated f(x) = x² − x + 1: each step needs the last, so work = span and threads cannot help",
            variants: inherently_sequential::Chain::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads in the hand-off chain",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: inherently_sequential::run,
        },
        Example {
            name: "io-bound",
            summary: "many waits of fixed latency: one after another they add up, on threads they overlap into one",
            variants: io_bound::Requests::ALL,
            threads: Some(ThreadsSpec {
                meaning: "requests",
                default: 10,
                min: 1,
                max: 256,
            }),
            run: io_bound::run,
        },
        Example {
            name: "concurrent-vs-parallel",
            summary: "two tasks taking turns on one thread vs running on two cores, with a timeline of which ran when",
            variants: concurrent_vs_parallel::Running::ALL,
            threads: None,
            run: concurrent_vs_parallel::run,
        },
        Example {
            name: "python-side-by-side",
            summary: "CPython (if python3 is on PATH) and Rust on the same prime check: sequential, thread pool, process pool, one table",
            variants: python::Sides::ALL,
            threads: None,
            run: python::run,
        },
    ],
};
