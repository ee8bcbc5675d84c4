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

pub mod async_primes;
pub mod blocking;
pub mod countdowns;
pub mod executors;
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
        Example {
            name: "blocking",
            summary: "a blocking call inside async stalls every task on the runtime (measured with a heartbeat); spawn_blocking and rayon fix it",
            variants: &[
                Variant {
                    name: "broken",
                    summary: "std::thread::sleep(100 ms) inline: the heartbeat waits for all of it",
                },
                Variant {
                    name: "spawn-blocking",
                    summary: "the same call on spawn_blocking: the heartbeat keeps time",
                },
                Variant {
                    name: "cpu-broken",
                    summary: "the book's 16-digit prime checked inline",
                },
                Variant {
                    name: "rayon",
                    summary: "the same check on rayon, answer on a oneshot channel",
                },
            ],
            threads: None,
            run: blocking::run,
        },
        Example {
            name: "async-primes",
            summary: "the book's asynchronous prime checker (9637529763296797, 427920331, 157): sync, yielding, and done right on spawn_blocking",
            variants: &[
                Variant {
                    name: "sync",
                    summary: "one check after another, inline (example3)",
                },
                Variant {
                    name: "yielding",
                    summary: "three tasks, yield_now every 50,000 divisors (example4)",
                },
                Variant {
                    name: "spawn-blocking",
                    summary: "each check on spawn_blocking: responsive and parallel",
                },
            ],
            threads: None,
            run: async_primes::run,
        },
        Example {
            name: "sync-primitives",
            summary: "tokio's Mutex, Semaphore, Notify, watch and broadcast: one small scene each",
            variants: &[
                Variant {
                    name: "mutex",
                    summary: "a guard held across .await keeps every update; released, updates are lost",
                },
                Variant {
                    name: "semaphore",
                    summary: "nine requests, at most three in flight (exercise 10.1)",
                },
                Variant {
                    name: "notify",
                    summary: "notify_one stores a permit; notify_waiters does not",
                },
                Variant {
                    name: "watch",
                    summary: "a slow reader sees only the latest value",
                },
                Variant {
                    name: "broadcast",
                    summary: "every subscriber gets every message; a laggard gets Lagged(n)",
                },
            ],
            threads: None,
            run: sync_primitives::run,
        },
        Example {
            name: "streams",
            summary: "the book's asyncio echo server and aiohttp client: tokio TCP on loopback and the local HTTP server",
            variants: &[
                Variant {
                    name: "echo",
                    summary: "echo server, one task per connection; three clients, one slow (echo_server.py)",
                },
                Variant {
                    name: "http-client",
                    summary: "GET a page and print its length, then five pages together (aiohttp_client.py)",
                },
            ],
            threads: None,
            run: streams::run,
        },
    ],
};
