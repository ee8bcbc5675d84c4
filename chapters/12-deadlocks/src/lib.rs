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

use common::{Chapter, Example, ThreadsSpec};

pub mod dining_philosophers;
pub mod livelock;
pub mod lock_timeout;
pub mod ordering_cost;
pub mod traced;
pub mod two_locks;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 12.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_ordered_locking.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_ordered_locking.rs")]
pub mod ordered_locking;

/// Exercise 12.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_waiter.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_waiter.rs")]
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
            variants: two_locks::LockOrder::ALL,
            threads: None,
            run: two_locks::run,
        },
        Example {
            name: "dining-philosophers",
            summary: "five philosophers, five forks: the deadlock when all take the left fork first, and three fixes",
            variants: dining_philosophers::Strategy::ALL,
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
            variants: ordering_cost::Arrangements::ALL,
            threads: None,
            run: ordering_cost::run,
        },
        Example {
            name: "livelock",
            summary: "two polite diners share one fork and each defers to the other forever: busy, yet no meal",
            variants: livelock::Manners::ALL,
            threads: None,
            run: livelock::run,
        },
        Example {
            name: "lock-timeout",
            summary: "a lock taken with a deadline: the thread that times out lets go of what it holds, so opposite orders cannot deadlock",
            variants: lock_timeout::OnTimeout::ALL,
            threads: None,
            run: lock_timeout::run,
        },
    ],
};
