//! Chapter 2 — Amdahl's law.
//!
//! The book's chapter 2 explains how far parallelism can speed a job up: Amdahl's law (a serial
//! fraction `s` caps the speedup at `1 / s`), Gustafson's law (grow the job with the workers and
//! the cap goes away), and measures the book's `Chapter02/example1.py`, a prime sweep on 1..N
//! processes. Here the same sweep runs on 1..N threads — Rust threads need no process pool, as
//! there is no GIL — beside a job whose serial fraction is the variant, every measured speedup
//! shown next to its prediction, and a chart of both.
//!
//! The modules, one concept each, in tour order: [`amdahl`] (the sweeps, with their results,
//! table and chart in [`amdahl_report`]), [`gustafson`], [`plot`], [`python`] (the book's sweep
//! in CPython beside Rust, when `python3` is installed); the work they measure in
//! [`primes`] and [`workload`]; and the exercise modules [`predictions`] (2.1) and [`split`]
//! (2.2), which the examples use too.

use common::{Chapter, Example, ThreadsSpec};

pub mod amdahl;
pub mod amdahl_report;
pub mod gustafson;
pub mod plot;
pub mod primes;
pub mod python;
pub mod workload;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 2.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_predictions.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_predictions.rs")]
pub mod predictions;

/// Exercise 2.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_split.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_split.rs")]
pub mod split;

/// `--threads` for every example: the sweep runs 1..=N workers.
const SWEEP: ThreadsSpec = ThreadsSpec {
    meaning: "workers at most (the sweep runs 1..=N)",
    default: 4,
    min: 1,
    max: 64,
};

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 2,
    title: "Amdahl's law",
    tools: &[],
    examples: &[
        Example {
            name: "amdahl",
            summary: "measured speedup on 1..N workers beside Amdahl's prediction and efficiency: the book's prime sweep and a job with a serial fraction",
            variants: amdahl::Sweeps::ALL,
            threads: Some(SWEEP),
            run: amdahl::run,
        },
        Example {
            name: "gustafson",
            summary: "scaled speedup when the parallel part grows with the workers, beside Gustafson's prediction",
            variants: gustafson::Serial::ALL,
            threads: Some(SWEEP),
            run: gustafson::run,
        },
        Example {
            name: "plot",
            summary: "an SVG chart of measured vs predicted speedup, written to target/plots/",
            variants: plot::Drawn::ALL,
            threads: Some(SWEEP),
            run: plot::run,
        },
        Example {
            name: "python-side-by-side",
            summary: "CPython (if python3 is on PATH) and Rust on the book's prime sweep at 1 and 2 workers: speedups side by side",
            variants: python::Sides::ALL,
            threads: None,
            run: python::run,
        },
    ],
};
