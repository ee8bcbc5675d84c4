//! Chapter 10 — Async in practice with tokio.
//!
//! The book's chapter 10 puts asyncio to work: countdowns as tasks, `gather`, coroutines,
//! `run_in_executor` with threads and processes, a prime checker made asynchronous, streams. Here
//! asyncio becomes tokio, and each lesson runs for real and is measured: waiting overlaps, CPU
//! work does not, a blocking call stalls every other task (measured), and cancellation is a
//! dropped future, with the bug that can bring (shown losing data, then fixed).
//!
//! The modules, one concept each, in tour order: [`countdowns`], [`tasks`], [`executors`],
//! [`select_timeout`], [`blocking`], [`async_primes`], [`sync_primitives`], [`streams`]. Support:
//! [`support`]. The exercise modules: [`limited_gather`] (10.1) and [`pairing`] (10.2).

use common::{Chapter, Example, Variant};

pub mod countdowns;
pub mod executors;
pub mod select_timeout;
pub mod support;
pub mod tasks;

/// Exercise 10.1: the reference solution, or the learner's starter with `--features learner`.
#[cfg_attr(not(feature = "learner"), path = "solutions/e1_limited_gather.rs")]
#[cfg_attr(feature = "learner", path = "../exercises/e1_limited_gather.rs")]
pub mod limited_gather;

/// Exercise 10.2: the reference solution, or the learner's starter with `--features learner`.
#[cfg_attr(not(feature = "learner"), path = "solutions/e2_pairing.rs")]
#[cfg_attr(feature = "learner", path = "../exercises/e2_pairing.rs")]
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
            variants: &[
                Variant {
                    name: "sequential",
                    summary: "blocking sleeps, one countdown after another (example1)",
                },
                Variant {
                    name: "tasks",
                    summary: "one tokio::spawn per countdown, every JoinHandle awaited (example2)",
                },
                Variant {
                    name: "gather",
                    summary: "join_all over the three futures, asyncio.gather (new_countdown.1)",
                },
                Variant {
                    name: "factorial",
                    summary: "factorial(3) and factorial(4) under tokio::join! (factorial.py)",
                },
            ],
            threads: None,
            run: countdowns::run,
        },
        Example {
            name: "tasks",
            summary: "spawn and JoinHandle, join!/try_join!, join_all (gather), JoinSet: how results and errors come back",
            variants: &[
                Variant {
                    name: "spawn",
                    summary: "a task per job; handles give values, a panic or an abort as JoinError",
                },
                Variant {
                    name: "join",
                    summary: "join! waits for all; try_join! stops at the first error and cancels the rest",
                },
                Variant {
                    name: "join-all",
                    summary: "join_all keeps the input order, like asyncio.gather",
                },
                Variant {
                    name: "join-set",
                    summary: "JoinSet yields in completion order and aborts leftovers on drop",
                },
            ],
            threads: None,
            run: tasks::run,
        },
        Example {
            name: "executors",
            summary: "the book's run_in_executor: blocking countdowns on spawn_blocking, CPU-bound primes on processes or rayon",
            variants: &[
                Variant {
                    name: "threads",
                    summary: "blocking countdowns on spawn_blocking (ThreadPoolExecutor, example5)",
                },
                Variant {
                    name: "processes",
                    summary: "the book's three primes in forked children (ProcessPoolExecutor, example6)",
                },
                Variant {
                    name: "rayon",
                    summary: "the same primes on rayon, answers back on oneshot channels",
                },
            ],
            threads: None,
            run: executors::run,
        },
        Example {
            name: "select-timeout",
            summary: "select!, timeout, cancellation by dropping a future, and a select! loop that loses data until made cancellation safe",
            variants: &[
                Variant {
                    name: "select",
                    summary: "first of two replicas wins; the other future is dropped",
                },
                Variant {
                    name: "timeout",
                    summary: "timeout(50 ms) around a 200 ms and a 10 ms request",
                },
                Variant {
                    name: "cancel-by-drop",
                    summary: "a dropped future stops; a detached task runs on until abort()",
                },
                Variant {
                    name: "lossy",
                    summary: "select! over two recv()s in one future: a tick loses the first value",
                },
                Variant {
                    name: "cancel-safe",
                    summary: "the half pair kept outside the future (exercise 10.2): nothing lost",
                },
            ],
            threads: None,
            run: select_timeout::run,
        },
    ],
};
