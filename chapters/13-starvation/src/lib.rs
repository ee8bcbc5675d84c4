//! Chapter 13 — Starvation.
//!
//! A thread starves when it is ready to run yet never gets the resource it waits for, because the
//! rules (a lock's policy, a scheduler's priorities, an unfair hand-off) keep giving it to
//! someone else. Nothing is stuck — the others make progress — so no deadlock detector fires;
//! only per-thread numbers show it. Every example here reports, per thread, how many times it got
//! in, its share, its longest wait, and how many others overtook it in one wait.
//!
//! The modules, one concept each, in tour order: [`readers_writers`] (the book's three
//! readers-writers solutions and the ready-made `RwLock`s), [`priority_scheduling`] (strict
//! priorities and aging), [`greedy_lock`] (an unfair lock and a fair hand-off); the building
//! blocks [`primitives`] (semaphore, ticket lock) and [`tally`] (per-thread accounting); and the
//! exercise modules [`fair_rwlock`] (13.1) and [`aging`] (13.2), which the examples use too.

use common::{Chapter, Example, Variant};

pub mod greedy_lock;
pub mod job;
pub mod primitives;
pub mod priority_scheduling;
pub mod readers_writers;
pub mod tally;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 13.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_fair_rwlock.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_fair_rwlock.rs")]
pub mod fair_rwlock;

/// Exercise 13.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_aging.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_aging.rs")]
pub mod aging;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 13,
    title: "Starvation",
    tools: &[],
    examples: &[
        Example {
            name: "readers-writers",
            summary: "3 readers and 2 writers on the book's three locks and the ready-made RwLocks: who starves, in numbers",
            variants: &[
                Variant {
                    name: "readers-first",
                    summary: "the first reader locks writers out, the last lets them in: writers starve (book example1)",
                },
                Variant {
                    name: "writers-first",
                    summary: "a waiting writer closes the readers' gate: readers starve (book example2)",
                },
                Variant {
                    name: "fair",
                    summary: "both sides pass a FIFO service turnstile: both progress (book example3)",
                },
                Variant {
                    name: "std-rwlock",
                    summary: "std::sync::RwLock under the same load: a measurement of its policy (who starved, if anyone)",
                },
                Variant {
                    name: "parking-lot-rwlock",
                    summary: "parking_lot::RwLock under the same load: a measurement of its policy (who starved, if anyone)",
                },
            ],
            threads: None,
            run: readers_writers::run,
        },
        Example {
            name: "priority-scheduling",
            summary: "a worker always runs the highest-priority job: the low-priority producer starves, until aging",
            variants: &[
                Variant {
                    name: "strict",
                    summary: "always the highest priority: medium and low never run",
                },
                Variant {
                    name: "aging",
                    summary: "priority rises with time waited: every producer runs, within a bound",
                },
            ],
            threads: None,
            run: priority_scheduling::run,
        },
        Example {
            name: "greedy-lock",
            summary: "a thread that re-locks at once starves the others under an unfair lock; a fair hand-off shares it",
            variants: &[
                Variant {
                    name: "std-mutex",
                    summary: "std::sync::Mutex: the running thread barges back in; the polite threads are overtaken hundreds of times",
                },
                Variant {
                    name: "parking-lot",
                    summary: "parking_lot::Mutex: unfair, with eventual fairness every ~0.5 ms",
                },
                Variant {
                    name: "unlock-fair",
                    summary: "parking_lot's MutexGuard::unlock_fair hands the lock to the next parked waiter: a measurement of how fair that is",
                },
                Variant {
                    name: "ticket",
                    summary: "a FIFO ticket lock from Mutex + Condvar: first come, first served; overtaken at most once by each other thread",
                },
            ],
            threads: None,
            run: greedy_lock::run,
        },
    ],
};
