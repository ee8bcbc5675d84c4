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

use common::{Chapter, Example};

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
            variants: readers_writers::Kind::ALL,
            threads: None,
            run: readers_writers::run,
        },
        Example {
            name: "priority-scheduling",
            summary: "a worker always runs the highest-priority job: the low-priority producer starves, until aging",
            variants: priority_scheduling::Scheduling::ALL,
            threads: None,
            run: priority_scheduling::run,
        },
        Example {
            name: "greedy-lock",
            summary: "a thread that re-locks at once starves the others under an unfair lock; a fair hand-off shares it",
            variants: greedy_lock::Kind::ALL,
            threads: None,
            run: greedy_lock::run,
        },
    ],
};
