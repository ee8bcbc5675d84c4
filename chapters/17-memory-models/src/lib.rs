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
//! built on [`litmus`]), [`cas_loop`], [`non_atomic_increment`]; [`sync`] picks std or loom; and
//! the exercise modules [`max`] (17.1) and [`spin`] (17.2), which `cas-loop` uses too.

use common::{Chapter, Example, ThreadsSpec, Variant};

pub mod cas_loop;
pub mod litmus;
pub mod message_passing;
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
            variants: &[
                Variant {
                    name: "relaxed",
                    summary: "Relaxed stores and loads: the weak outcome shows (x86's store buffer)",
                },
                Variant {
                    name: "release-acquire",
                    summary: "Release stores, Acquire loads: still shows; acquire/release does not order a store before a load",
                },
                Variant {
                    name: "seq-cst",
                    summary: "SeqCst stores and loads: never shows",
                },
                Variant {
                    name: "fence",
                    summary: "Relaxed accesses with fence(SeqCst) between store and load: never shows",
                },
            ],
            threads: None,
            run: store_buffering::run,
        },
        Example {
            name: "message-passing",
            summary: "publish data with a Release store of a flag, read it after an Acquire load; what Relaxed would allow",
            variants: &[
                Variant {
                    name: "relaxed",
                    summary: "Relaxed flag: the model allows flag-without-data; x86 hides it, loom finds it",
                },
                Variant {
                    name: "release-acquire",
                    summary: "Release store, Acquire load: the data is always there once the flag is",
                },
            ],
            threads: None,
            run: message_passing::run,
        },
        Example {
            name: "cas-loop",
            summary: "compare-and-swap loops: an atomic maximum four ways, and a spin lock against a Mutex",
            variants: &[
                Variant {
                    name: "atomic-max",
                    summary: "compare_exchange, compare_exchange_weak, fetch_update, fetch_max: retries counted",
                },
                Variant {
                    name: "spin-lock",
                    summary: "spin lock vs std Mutex at threads = cores and 4 x cores: when not to spin",
                },
            ],
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
            variants: &[
                Variant {
                    name: "split",
                    summary: "n.store(n.load() + 1): each step atomic, the pair not; updates lost",
                },
                Variant {
                    name: "fetch-add",
                    summary: "n.fetch_add(1): one atomic read-modify-write",
                },
                Variant {
                    name: "mutex-push",
                    summary: "the book's list.append: Mutex<Vec>::push",
                },
            ],
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
