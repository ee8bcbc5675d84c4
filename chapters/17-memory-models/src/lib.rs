//! Chapter 17 — Memory models and atomic operations.
//!
//! The book's chapter 17 explains memory models in words and shows, in Python, that `n += 1` is
//! not atomic while `list.append` is (the GIL makes single bytecodes atomic). Rust has no GIL:
//! what is atomic is what the types say — atomics and locks — and *when* one thread sees another's
//! writes is decided by the memory ordering each atomic access names. Every example here runs on
//! real threads and counts what happened; the orderings the hardware hides (x86 is strongly
//! ordered) are checked by loom in `tests/loom_litmus.rs`, on the same functions.
//!
//! The modules, one concept each, in tour order: [`store_buffering`], [`message_passing`] (both
//! built on [`litmus`], their verdicts on [`model`], the exhaustive exploration of what the
//! memory model allows), [`cas_loop`], [`non_atomic_increment`]; [`sync`] picks std or loom; and
//! the exercise modules [`max`] (17.1) and [`spin`] (17.2), which `cas-loop` uses too.

use common::{Chapter, Example, ThreadsSpec};

pub mod cas_loop;
pub mod litmus;
pub mod message_passing;
pub mod model;
pub mod non_atomic_increment;
pub mod store_buffering;
pub mod sync;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 17.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_atomic_max.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_atomic_max.rs")]
pub mod max;

/// Exercise 17.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_spin_lock.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_spin_lock.rs")]
pub mod spin;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 17,
    title: "Memory models and atomic operations",
    tools: &[],
    examples: &[
        Example {
            name: "store-buffering",
            summary: "x = 1; r1 = y || y = 1; r2 = x, millions of times: r1 = r2 = 0 happens unless SeqCst forbids it",
            variants: litmus::Order::ALL,
            threads: None,
            run: store_buffering::run,
        },
        Example {
            name: "message-passing",
            summary: "publish data with a Release store of a flag, read it after an Acquire load; what Relaxed would allow",
            variants: message_passing::FlagOrder::ALL,
            threads: None,
            run: message_passing::run,
        },
        Example {
            name: "cas-loop",
            summary: "compare-and-swap loops: an atomic maximum four ways, and a spin lock against a Mutex",
            variants: cas_loop::Experiment::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads racing to raise the maximum",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: cas_loop::run,
        },
        Example {
            name: "non-atomic-increment",
            summary: "the book's 1,000 threads doing n += 1, and its atomic append: a split load/store loses updates",
            variants: non_atomic_increment::Update::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads in the book round, one update each",
                default: 1_000,
                min: 1,
                max: 1_024,
            }),
            run: non_atomic_increment::run,
        },
    ],
};
