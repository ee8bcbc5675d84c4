//! Chapter 14 — Race conditions.
//!
//! The book's chapter 14 runs twenty threads that each read a shared counter, sleep a random
//! 0 or 1 s, and write it back plus one: updates are lost (example1). A lock fixes it (example2)
//! and serializes it: on twenty threads it takes as long as on one (example3). Every example here
//! redoes that on real threads, with the race built from atomic loads and stores (a race
//! condition, not undefined behaviour), and adds what the book describes only in words: the
//! check-then-act race, the cost of each fix, and the data races Rust refuses to compile.
//!
//! The modules, one concept each, in tour order: [`lost_updates`], [`increment_cost`],
//! [`serialized`], [`check_then_act`], [`what_rust_refuses`]; the leaf modules they share,
//! [`counter`] (the first three's counter), [`account`] (check-then-act's) and [`forced_window`]
//! (the schedule that makes check-then-act's race happen every round); and the exercise
//! modules [`tickets`] (14.1) and [`withdrawal`] (14.2, used by `check-then-act --variant
//! one-lock`).

use common::{Chapter, Example, ThreadsSpec};

pub mod account;
pub mod check_then_act;
pub mod counter;
pub mod forced_window;
pub mod increment_cost;
pub mod lost_updates;
pub mod serialized;
pub mod what_rust_refuses;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 14.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_tickets.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_tickets.rs")]
pub mod tickets;

/// Exercise 14.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_withdrawal.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_withdrawal.rs")]
pub mod withdrawal;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 14,
    title: "Race conditions",
    tools: &[],
    examples: &[
        Example {
            name: "lost-updates",
            summary: "the book's 20 threads read a counter, pause, write it plus one: lost updates, and three fixes",
            variants: counter::Method::ALL,
            threads: Some(ThreadsSpec {
                meaning: "threads, one update each",
                default: 20,
                min: 2,
                max: 200,
            }),
            run: lost_updates::run,
        },
        Example {
            name: "increment-cost",
            summary: "nanoseconds per increment of each method, without pauses: the race, fetch_add, a Mutex, per-thread sums",
            variants: increment_cost::Costs::ALL,
            threads: Some(ThreadsSpec {
                meaning: "counting threads",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: increment_cost::run,
        },
        Example {
            name: "serialized",
            summary: "the book's seeded run: the locked update takes as long on 20 threads as on one",
            variants: serialized::Arrangements::ALL,
            threads: Some(ThreadsSpec {
                meaning: "updates (threads)",
                default: 20,
                min: 2,
                max: 200,
            }),
            run: serialized::run,
        },
        Example {
            name: "check-then-act",
            summary: "two withdrawals both pass the balance check and overdraw the account (TOCTOU), and two fixes",
            variants: check_then_act::Guarding::ALL,
            threads: Some(ThreadsSpec {
                meaning: "customers withdrawing at once",
                default: 2,
                min: 2,
                max: 64,
            }),
            run: check_then_act::run,
        },
        Example {
            name: "what-rust-refuses",
            summary: "the data races that do not compile (shared &mut Vec, Rc across threads, shared Cell) and what does",
            variants: what_rust_refuses::Lesson::ALL,
            threads: None,
            run: what_rust_refuses::run,
        },
    ],
};
