//! Chapter 11 — Building communication channels.
//!
//! The book's chapter 11 builds channels on asyncio: a `Protocol`/`Transport` server that logs,
//! echoes and closes, and an aiohttp client that downloads five pages at once, streaming each to
//! a file. Here the same on tokio, with real sockets on `127.0.0.1:0`: the protocol-style echo
//! server with many clients at once (and its throughput), the concurrent streamed downloads
//! against the chapter's local HTTP server (`common::http`), and two things the book's servers
//! lack — framing (a codec that turns a byte stream back into messages, with an `ERR` for every
//! malformed frame) and a graceful shutdown.
//!
//! The modules, one concept each, in tour order: [`echo`], [`downloads`], [`framed_protocol`],
//! [`graceful_shutdown`]; the exercise modules [`line_codec`] (11.1) and [`drain`] (11.2), which
//! the examples use too; [`frame`], the frame errors both share; and [`serve`], the `serve` tool.

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use common::{Chapter, Example, ThreadsSpec, Tool};

pub mod downloads;
pub mod echo;
pub mod frame;
pub mod framed_protocol;
pub mod graceful_shutdown;
pub mod serve;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 11.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_line_codec.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_line_codec.rs")]
pub mod line_codec;

/// Exercise 11.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_drain.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_drain.rs")]
pub mod drain;

// Always std's lock: tokio tasks never run under the shuttle model checker, so this chapter's
// locks stay std's even in a `shuttle` build.
pub use common::sync::std_lock as lock;

/// Runs `future` on a fresh multi-threaded tokio runtime (I/O and timers on), giving up after
/// `limit`: every example ends, even if a server or client hangs.
pub fn block_on<T>(
    limit: Duration,
    future: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(async {
        tokio::time::timeout(limit, future)
            .await
            .unwrap_or_else(|_| {
                Err(anyhow::anyhow!(
                    "did not finish within {}: the time limit ended it",
                    common::timing::human(limit)
                ))
            })
    })
}

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 11,
    title: "Building communication channels",
    tools: &[Tool {
        name: "serve",
        summary: "run the framed protocol server until Ctrl-C or SIGTERM, then drain: serve [--port 0] [--grace-ms 5000]",
        run: serve::run,
    }],
    examples: &[
        Example {
            name: "echo",
            summary: "the book's protocol-style server (connection made, data received, echoed back, transport closed) with many clients at once; round trips/s and p50/p99",
            variants: echo::Behavior::ALL,
            threads: Some(ThreadsSpec {
                meaning: "clients",
                default: 100,
                min: 1,
                max: 1000,
            }),
            run: echo::run,
        },
        Example {
            name: "downloads",
            summary: "five pages from the local server, one after another vs at once streamed to files in 1024-byte chunks; every file checked byte for byte",
            variants: downloads::Mode::ALL,
            threads: None,
            run: downloads::run,
        },
        Example {
            name: "framed-protocol",
            summary: "a line protocol (PING, ECHO, SET, GET, SLOW, QUIT) with a tokio-util codec; pipelined, malformed and half-sent requests",
            variants: framed_protocol::Framing::ALL,
            threads: None,
            run: framed_protocol::run,
        },
        Example {
            name: "graceful-shutdown",
            summary: "stop accepting, finish the requests in flight, exit — on Ctrl-C, SIGTERM or the program's own signal",
            variants: graceful_shutdown::Stop::ALL,
            threads: None,
            run: graceful_shutdown::run,
        },
    ],
};
