//! Chapter 16 — Lock-based and lock-free data structures.
//!
//! The book's chapter 16 makes a counter thread-safe with a lock, finds that the lock does not
//! scale, builds the approximate counter, and makes a network structure safe for readers by
//! copying it. Here every one of those runs on real threads, with its failures counted (lost
//! updates, `KeyError`s, lost or duplicated elements), and the chapter goes on to the classic
//! structures the book discusses: a hand-over-hand linked list and a lock-free (Treiber) stack
//! with safe memory reclamation — and the ABA problem that makes reclamation hard.
//!
//! The modules, one concept each, in tour order: [`lockless_counter`], [`snapshot_read`],
//! [`counters`] (its four counters in [`counter_kinds`]), [`false_sharing`] (why they are
//! padded), [`linked_list`], [`lock_free_stack`]
//! (with [`treiber_stack`] and [`aba`]); the exercise modules [`approximate_counter`] (16.1) and
//! [`published`] (16.2), which the examples use too; and the helpers [`sync`] (std, shuttle or
//! loom primitives), [`bench`](mod@bench), [`padded`].

use common::{Chapter, Example, ThreadsSpec};

pub mod aba;
pub mod bench;
pub mod counter_kinds;
pub mod counters;
pub mod false_sharing;
pub mod linked_list;
pub mod lock_free_stack;
pub mod lockless_counter;
pub mod padded;
pub mod snapshot_read;
pub mod sync;

/// The Treiber stack: the one module of this chapter allowed `unsafe`, because lock-free
/// memory reclamation is the lesson (see the module doc); every block has a `// SAFETY:`
/// comment and the stack is model-checked with loom.
#[allow(unsafe_code)]
pub mod treiber_stack;

/// Exercise 16.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_approximate_counter.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_approximate_counter.rs")]
pub mod approximate_counter;

/// Exercise 16.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_published.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_published.rs")]
pub mod published;

/// Committed wrong solutions of the exercises, for `cargo xtask exercise verify`.
#[cfg(mutants)]
pub mod mutants;

/// `--threads N` for the throughput examples: 1..N threads are measured (the stack: 1 and N in
/// the tour, 1..N in a full run).
const MEASURED_THREADS: ThreadsSpec = ThreadsSpec {
    meaning: "max threads",
    default: 4,
    min: 1,
    max: 16,
};

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 16,
    title: "Lock-based and lock-free data structures",
    tools: &[],
    examples: &[
        Example {
            name: "lockless-counter",
            summary: "the book's counter without a lock: read, pause, write loses updates; the locked fix keeps them all",
            variants: lockless_counter::Class::ALL,
            threads: None,
            run: lockless_counter::run,
        },
        Example {
            name: "snapshot-read",
            summary: "the book's network race (KeyError: 'A') and its fix without a reader lock: immutable snapshots",
            variants: snapshot_read::Sharing::ALL,
            threads: Some(ThreadsSpec {
                meaning: "readers",
                default: 2,
                min: 1,
                max: 16,
            }),
            run: snapshot_read::run,
        },
        Example {
            name: "counters",
            summary: "a shared counter four ways (mutex, atomic, sharded, approximate), timed for 1..N threads",
            variants: counters::Study::ALL,
            threads: Some(MEASURED_THREADS),
            run: counters::run,
        },
        Example {
            name: "linked-list",
            summary: "a concurrent sorted list: one coarse lock vs hand-over-hand locking, every key's tally checked",
            variants: linked_list::Lists::ALL,
            threads: Some(MEASURED_THREADS),
            run: linked_list::run,
        },
        Example {
            name: "lock-free-stack",
            summary: "a Treiber stack (CAS + epoch reclamation) vs Mutex<Vec> and crossbeam queues; the ABA problem replayed",
            variants: lock_free_stack::Scene::ALL,
            threads: Some(MEASURED_THREADS),
            run: lock_free_stack::run,
        },
        Example {
            name: "false-sharing",
            summary: "two threads' own counters in one cache line: nothing shared, yet each slows the other",
            variants: false_sharing::Layout::ALL,
            threads: None,
            run: false_sharing::run,
        },
    ],
};
