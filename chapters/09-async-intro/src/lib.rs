//! Chapter 9 — Introduction to asynchronous programming.
//!
//! The book's chapter 9 contrasts synchronous, threaded and asynchronous programs, explains the
//! event loop and coroutines, and checks three numbers for primality first synchronously, then as
//! asyncio tasks that yield. Here the event loop is built, not imported: [`executor`] is a small
//! single-threaded executor (run queue, `spawn`, `block_on`, wakers, timers on a real or a virtual
//! clock), and every example runs on it.
//!
//! The modules, in tour order: [`hand_written_future`] (what `async fn` desugars to),
//! [`mini_executor`] (tasks and timers on one thread), [`cooperative`] (a blocking task stalls the
//! executor, measured; the fixes), [`sync_vs_async`] (the book's examples 1 and 2). Support:
//! [`executor`], [`primes`]; and the exercise modules [`yield_now`] (9.1) and [`timeout`] (9.2),
//! which the examples use too.

use common::watchdog::Watchdog;
use common::{Chapter, Example, RunConfig};

pub mod cooperative;
pub mod executor;
pub mod hand_written_future;
pub mod mini_executor;
pub mod primes;
pub mod sync_vs_async;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 9.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_yield_now.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_yield_now.rs")]
pub mod yield_now;

/// Exercise 9.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_timeout.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_timeout.rs")]
pub mod timeout;

/// Runs an example's body on a watched thread: its result, or an error saying why it did not
/// finish within five times the run's budget. The executor reports a task nobody wakes by
/// itself; this catches the rest (a task that spins, a learner's `yield_now` that never ends).
pub fn watched<T: Send + 'static>(
    config: &RunConfig,
    name: &str,
    body: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let deadline = config.budget() * 5;
    Watchdog::new(deadline)
        .stall_after(deadline)
        .run_one(name, body)
        .map_err(anyhow::Error::msg)?
}

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 9,
    title: "Introduction to asynchronous programming",
    tools: &[],
    examples: &[
        Example {
            name: "hand-written-future",
            summary: "a Future written as an explicit state machine and polled by hand: Pending, the waker, what async fn desugars to",
            variants: hand_written_future::Machine::ALL,
            threads: None,
            run: hand_written_future::run,
        },
        Example {
            name: "mini-executor",
            summary: "three tasks waiting on timers, interleaved on one thread by the chapter's own executor",
            variants: executor::Clock::ALL,
            threads: None,
            run: mini_executor::run,
        },
        Example {
            name: "cooperative",
            summary: "a task that computes without yielding stalls every other task, measured; fixed by yielding or offloading",
            variants: cooperative::Work::ALL,
            threads: None,
            run: cooperative::run,
        },
        Example {
            name: "sync-vs-async",
            summary: "the book's three-number prime check, synchronously and as yielding tasks: the small numbers finish first, the total does not shrink",
            variants: sync_vs_async::Checks::ALL,
            threads: None,
            run: sync_vs_async::run,
        },
    ],
};
