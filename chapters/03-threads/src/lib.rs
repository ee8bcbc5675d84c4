//! Chapter 3 — Working with threads.
//!
//! The book's chapter 3 starts threads (`threading.Thread`, the low-level `_thread`), joins them,
//! serializes them with a lock and feeds them from a queue. Every example here redoes one of its
//! programs on real threads, and adds what Rust brings: results and panics returned through
//! `JoinHandle`, scoped threads that borrow, three ways to share a counter, a priority queue with
//! a clean shutdown, and what detaching a thread really means.
//!
//! The modules, one concept each, in tour order: [`spawn_join`], [`lock_serializes`],
//! [`scoped`], [`synchronizing`], [`work_queue`], [`priority_workers`], [`detached`]; the book's
//! countdown thread in [`countdown`]; the work queue's forced gap in [`forced_window`]; and the
//! exercise modules [`join_all`] (3.1) and [`priority_queue`] (3.2), which the examples use too.

use common::{Chapter, Example, ThreadsSpec};

pub mod countdown;
pub mod detached;
pub mod forced_window;
pub mod lock_serializes;
pub mod priority_workers;
pub mod scoped;
pub mod spawn_join;
pub mod synchronizing;
pub mod work_queue;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 3.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_join_all.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_join_all.rs")]
pub mod join_all;

/// Exercise 3.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_priority_queue.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_priority_queue.rs")]
pub mod priority_queue;

const WORKERS: ThreadsSpec = ThreadsSpec {
    meaning: "workers",
    default: 3,
    min: 1,
    max: 64,
};

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 3,
    title: "Working with threads",
    tools: &[],
    examples: &[
        Example {
            name: "spawn-join",
            summary: "named threads, spawn and join, results through JoinHandle<T>, a panic surfacing at join",
            variants: spawn_join::Program::ALL,
            threads: None,
            run: spawn_join::run,
        },
        Example {
            name: "lock-serializes",
            summary: "the book's countdowns under one shared lock run one after the other, timed against no lock",
            variants: lock_serializes::Runs::ALL,
            threads: None,
            run: lock_serializes::run,
        },
        Example {
            name: "scoped",
            summary: "thread::scope: workers borrow the caller's stack data, no Arc, no 'static",
            variants: scoped::Scoped::ALL,
            threads: Some(ThreadsSpec {
                default: 4,
                ..WORKERS
            }),
            run: scoped::run,
        },
        Example {
            name: "synchronizing",
            summary: "one shared counter three ways: a lock, an atomic, message passing — all exact",
            variants: synchronizing::Way::ALL,
            threads: Some(ThreadsSpec {
                default: 4,
                ..WORKERS
            }),
            run: synchronizing::run,
        },
        Example {
            name: "work-queue",
            summary: "three workers drain the book's queue [1, 10, 4, 3]: the empty()-then-get() race, and the fix",
            variants: work_queue::Taking::ALL,
            threads: None,
            run: work_queue::run,
        },
        Example {
            name: "priority-queue",
            summary: "workers drain a shared BinaryHeap + Mutex + Condvar queue in priority order, then stop cleanly",
            variants: priority_workers::Draining::ALL,
            threads: Some(WORKERS),
            run: priority_workers::run,
        },
        Example {
            name: "detached",
            summary: "a detached thread outlives its handle; it is stopped by a flag, not left to die at exit",
            variants: detached::Stopping::ALL,
            threads: None,
            run: detached::run,
        },
    ],
};
