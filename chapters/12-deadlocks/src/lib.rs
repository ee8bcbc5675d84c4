//! Chapter 12 — Deadlocks and livelock.
//!
//! The book's chapter 12 shows a deadlock between two locks, the dining philosophers, the cost of
//! fixing them by lock ordering, and a livelock between two over-polite diners. Every example
//! here runs the real thing on real threads and, where the book's program hangs, detects the
//! hang and reports it (the wait-for cycle, or the progress counters) before exiting.
//!
//! The modules, one concept each, in tour order: [`two_locks`], [`dining_philosophers`],
//! [`ordering_cost`], [`livelock`]; and the exercise modules [`ordered_locking`] (12.1) and
//! [`waiter`] (12.2), which the examples use too. [`traced`] draws lock waits and holds as
//! `tracing` spans for `--trace FILE` (a Chrome trace for <https://ui.perfetto.dev>).

use common::{Chapter, Example, ThreadsSpec, Variant};

pub mod dining_philosophers;
pub mod livelock;
pub mod ordering_cost;
pub mod traced;
pub mod two_locks;

#[cfg(feature = "mutants")]
pub mod mutants;

/// Exercise 12.1: the reference solution, or the learner's starter with `--features learner-e1`.
#[cfg_attr(not(feature = "learner-e1"), path = "solutions/e1_ordered_locking.rs")]
#[cfg_attr(feature = "learner-e1", path = "../exercises/e1_ordered_locking.rs")]
pub mod ordered_locking;

/// Exercise 12.2: the reference solution, or the learner's starter with `--features learner-e2`.
#[cfg_attr(not(feature = "learner-e2"), path = "solutions/e2_waiter.rs")]
#[cfg_attr(feature = "learner-e2", path = "../exercises/e2_waiter.rs")]
pub mod waiter;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 12,
    title: "Deadlocks and livelock",
    tools: &[],
    examples: &[
        Example {
            name: "two-locks",
            summary: "two threads take two locks in opposite orders: the deadlock, its wait-for cycle, and the fix by one lock order",
            variants: &[
                Variant {
                    name: "broken",
                    summary: "thread A takes A then B, thread B takes B then A",
                },
                Variant {
                    name: "ordered",
                    summary: "both take A then B",
                },
            ],
            threads: None,
            run: two_locks::run,
        },
        Example {
            name: "dining-philosophers",
            summary: "five philosophers, five forks: the deadlock when all take the left fork first, and three fixes",
            variants: &[
                Variant {
                    name: "broken",
                    summary: "left fork, then right: all can hold one and wait forever",
                },
                Variant {
                    name: "ordered",
                    summary: "lower-numbered fork first (the book sorts locks by id())",
                },
                Variant {
                    name: "try-lock",
                    summary: "take the left, try the right; on failure put both down and back off",
                },
                Variant {
                    name: "arbitrator",
                    summary: "a waiter lets at most N-1 philosophers sit at once",
                },
            ],
            threads: Some(ThreadsSpec {
                meaning: "philosophers",
                default: 5,
                min: 2,
                max: 64,
            }),
            run: dining_philosophers::run,
        },
        Example {
            name: "ordering-cost",
            summary: "what ordered locks cost: the two threads of two-locks run no faster than one after the other",
            variants: &[Variant {
                name: "timed",
                summary: "ordered locks vs sequential vs no locks, side by side",
            }],
            threads: None,
            run: ordering_cost::run,
        },
        Example {
            name: "livelock",
            summary: "two polite diners share one fork and each defers to the other forever: busy, yet no meal",
            variants: &[
                Variant {
                    name: "broken",
                    summary: "each defers while the other is hungry",
                },
                Variant {
                    name: "priority",
                    summary: "only the lower seat gets deferred to: an asymmetric rule",
                },
                Variant {
                    name: "random-backoff",
                    summary: "defer for a random while, then eat if the fork is free",
                },
            ],
            threads: None,
            run: livelock::run,
        },
    ],
};
