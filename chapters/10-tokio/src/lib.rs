//! Chapter 10 — Async in practice with tokio.
//!
//! The book's chapter 10 puts asyncio to work: countdowns as tasks, `gather`, coroutines,
//! `run_in_executor` with threads and processes, a prime checker made asynchronous, streams. Here
//! asyncio becomes tokio, and each lesson runs for real and is measured: waiting overlaps, CPU
//! work does not, a blocking call stalls every other task (measured), and cancellation is a
//! dropped future, with the bug that can bring (shown losing data, then fixed).
//!
//! The modules, one concept each, in tour order: [`countdowns`], [`tasks`], [`executors`],
//! [`select_timeout`], [`blocking`], [`async_primes`], [`sync_primitives`], [`streams`],
//! [`python`] (the prime check in asyncio beside tokio, when `python3` is installed). Support:
//! [`support`]. The exercise modules: [`limited_gather`] (10.1) and [`pairing`] (10.2).

use common::{Chapter, Example};

pub mod async_primes;
pub mod blocking;
pub mod countdowns;
pub mod executors;
pub mod python;
pub mod select_timeout;
pub mod streams;
pub mod support;
pub mod sync_primitives;
pub mod tasks;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 10.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_limited_gather.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_limited_gather.rs")]
pub mod limited_gather;

/// Exercise 10.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_pairing.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_pairing.rs")]
pub mod pairing;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 10,
    title: "Async in practice with tokio",
    tools: &[],
    examples: &[
        Example {
            name: "countdowns",
            summary: "the book's three countdowns one after the other, then as tasks on one thread; its two factorial coroutines",
            variants: countdowns::Program::ALL,
            threads: None,
            run: countdowns::run,
        },
        Example {
            name: "tasks",
            summary: "spawn and JoinHandle, join!/try_join!, join_all (gather), JoinSet: how results and errors come back",
            variants: tasks::Waiting::ALL,
            threads: None,
            run: tasks::run,
        },
        Example {
            name: "executors",
            summary: "the book's run_in_executor: blocking countdowns on spawn_blocking, CPU-bound primes on processes or rayon",
            variants: executors::Executor::ALL,
            threads: None,
            run: executors::run,
        },
        Example {
            name: "select-timeout",
            summary: "select!, timeout, cancellation by dropping a future, and a select! loop that loses data until made cancellation safe",
            variants: select_timeout::Scene::ALL,
            threads: None,
            run: select_timeout::run,
        },
        Example {
            name: "blocking",
            summary: "a blocking call inside async stalls every task on the runtime (measured with a heartbeat); spawn_blocking and rayon fix it",
            variants: blocking::Call::ALL,
            threads: None,
            run: blocking::run,
        },
        Example {
            name: "async-primes",
            summary: "the book's asynchronous prime checker (9637529763296797, 427920331, 157): sync, yielding, and done right on spawn_blocking",
            variants: async_primes::Style::ALL,
            threads: None,
            run: async_primes::run,
        },
        Example {
            name: "sync-primitives",
            summary: "tokio's Mutex, Semaphore, Notify, watch and broadcast: one small scene each",
            variants: sync_primitives::Primitive::ALL,
            threads: None,
            run: sync_primitives::run,
        },
        Example {
            name: "streams",
            summary: "the book's asyncio echo server and aiohttp client: tokio TCP on loopback and the local HTTP server",
            variants: streams::Stream::ALL,
            threads: None,
            run: streams::run,
        },
        Example {
            name: "python-side-by-side",
            summary: "asyncio (if python3 is on PATH) and tokio on the book's async prime check: inline, yielding, an executor, one table",
            variants: python::Sides::ALL,
            threads: None,
            run: python::run,
        },
    ],
};
