//! Chapter 5 — Concurrent web requests.
//!
//! The book's chapter 5 fetches a web page, then checks the status of a list of websites: one
//! after the other, on one thread each, with a slow site that holds everyone up, and with a
//! custom timeout. Here every request goes to a real HTTP server the example starts on
//! `127.0.0.1:0` ([`common::http::StatusServer`], a stand-in for `httpstat.us` and the pages the
//! book saved), so the examples run offline and are timed honestly. `chapter-5 serve` runs that
//! server on its own for curl.
//!
//! The modules, one concept each, in tour order: [`single_request`], [`check_status`],
//! [`timeouts`], [`rate_limit`], [`python`] (the status checks in CPython beside Rust, when
//! `python3` is installed); the shared client side in [`probe`]; the semaphore in
//! [`semaphore`]; the `serve` tool in [`serve`]; and the exercise modules [`pool`] (5.1) and
//! [`deadline`] (5.2), which the examples use too.

use common::{Chapter, Example, ThreadsSpec, Tool};

pub mod check_status;
pub mod probe;
pub mod python;
pub mod rate_limit;
pub mod semaphore;
pub mod serve;
pub mod single_request;
pub mod timeouts;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 5.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_pool_map.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_pool_map.rs")]
pub mod pool;

/// Exercise 5.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_deadline.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_deadline.rs")]
pub mod deadline;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 5,
    title: "Concurrent web requests",
    tools: &[Tool {
        name: "serve",
        summary: "run the local status server until Ctrl-C: serve [--host 127.0.0.1] [--port 0]",
        run: serve::run,
    }],
    examples: &[
        Example {
            name: "single-request",
            summary: "one GET: status, headers, and the page saved to a file (the book's google.html)",
            variants: single_request::Fetch::ALL,
            threads: None,
            run: single_request::run,
        },
        Example {
            name: "check-status",
            summary: "ping N status URLs of latency L: sequential ≈ N·L, threads and async ≈ L, a pool of P ≈ ⌈N/P⌉·L",
            variants: check_status::Choice::ALL,
            threads: Some(ThreadsSpec {
                meaning: "pool threads, for thread-pool and compare",
                default: 10,
                min: 1,
                max: 512,
            }),
            run: check_status::run,
        },
        Example {
            name: "timeouts",
            summary: "one slow request holds up the join; a timeout per request and an overall deadline fix it",
            variants: timeouts::Client::ALL,
            threads: None,
            run: timeouts::run,
        },
        Example {
            name: "rate-limit",
            summary: "at most K requests in flight (a semaphore), checked by the server's own peak count",
            variants: rate_limit::Limit::ALL,
            threads: Some(ThreadsSpec {
                meaning: "requests in flight at most (the limit K)",
                default: 4,
                min: 1,
                max: 256,
            }),
            run: rate_limit::run,
        },
        Example {
            name: "python-side-by-side",
            summary: "CPython threads (if python3 is on PATH) and Rust fetching from the local server: sequential and a pool of P threads, one table",
            variants: python::Sides::ALL,
            threads: Some(ThreadsSpec {
                meaning: "pool threads, on both sides",
                default: 10,
                min: 1,
                max: 64,
            }),
            run: python::run,
        },
    ],
};
