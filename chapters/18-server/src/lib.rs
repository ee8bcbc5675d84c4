//! Chapter 18 — Building a server from scratch.
//!
//! The book builds a server in steps: a blocking echo server on raw sockets, the sum/product
//! protocol as a console loop and then as a blocking server, generators and callback-driven
//! coroutines as building blocks, and finally a non-blocking `select` reactor driving one
//! coroutine per connection. This chapter takes the same steps in Rust — [`echo_blocking`],
//! [`sum_product`] (served by [`blocking`]), [`state_machines`], [`reactor`] on `poll(2)` — and
//! goes on: the same protocol on tokio ([`tokio_server`]), limits and timeouts against hostile
//! clients ([`robustness`]), graceful shutdown under load ([`shutdown`]), and a load generator
//! ([`load`], [`bench`]) that measures all three.
//!
//! The protocol itself has no I/O ([`protocol`]); every server moves bytes its own way and asks
//! the protocol what to answer. [`server`] starts and stops them; [`tools`] holds `serve` and
//! `load`. Exercises: [`evaluate`] (18.1) and [`line_framer`] (18.2), which the servers use.

use common::{Chapter, Example, Tool, Variant};

pub mod bench;
pub mod blocking;
pub mod echo_blocking;
pub mod interleaved;
pub mod load;
pub mod protocol;
pub mod reactor;
pub mod robustness;
pub mod server;
pub mod shutdown;
pub mod state_machines;
pub mod sum_product;
pub mod tokio_server;
pub mod tools;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 18.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_evaluate.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_evaluate.rs")]
pub mod evaluate;

/// Exercise 18.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_line_framer.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_line_framer.rs")]
pub mod line_framer;

fn run_reactor(config: &common::RunConfig) -> anyhow::Result<common::Outcome> {
    interleaved::run(server::Impl::Reactor, config)
}

fn run_tokio(config: &common::RunConfig) -> anyhow::Result<common::Outcome> {
    interleaved::run(server::Impl::Tokio, config)
}

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 18,
    title: "Building a server from scratch",
    tools: &[
        Tool {
            name: "serve",
            summary: "run a server until Ctrl-C for nc: serve [--impl blocking|reactor|tokio] [--port 0]",
            run: tools::serve,
        },
        Tool {
            name: "load",
            summary: "C clients x R requests against each server: throughput and p50/p99 latency",
            run: tools::load,
        },
    ],
    examples: &[
        Example {
            name: "echo-blocking",
            summary: "the book's blocking line-echo server on raw sockets: one client at a time, quit closes",
            variants: &[Variant {
                name: "book",
                summary: "client B connects while A is served and waits for A to leave",
            }],
            threads: None,
            run: echo_blocking::run,
        },
        Example {
            name: "sum-product",
            summary: "the book's sum/product protocol: a console loop, then a blocking server",
            variants: &[
                Variant {
                    name: "console",
                    summary: "read lists, print sum and product, end at end of input",
                },
                Variant {
                    name: "server",
                    summary: "a real client walks the protocol with the blocking server",
                },
            ],
            threads: None,
            run: sum_product::run,
        },
        Example {
            name: "state-machines",
            summary: "generators and callback-driven coroutines become a hand-written state machine and an async fn",
            variants: &[
                Variant {
                    name: "generator",
                    summary: "an Iterator called one time too many returns None (StopIteration)",
                },
                Variant {
                    name: "callback",
                    summary: "an async fn resumed by callbacks, driven by a bare loop",
                },
                Variant {
                    name: "hand-written",
                    summary: "the protocol's per-connection state machine fed input cut mid-line",
                },
                Variant {
                    name: "async-fn",
                    summary: "the same session through the async fn the compiler turns into one",
                },
            ],
            threads: None,
            run: state_machines::run,
        },
        Example {
            name: "reactor",
            summary: "the non-blocking server: one thread, poll(2), two clients served interleaved",
            variants: &[Variant {
                name: "interleaved",
                summary: "two open connections, requests alternating",
            }],
            threads: None,
            run: run_reactor,
        },
        Example {
            name: "tokio",
            summary: "the same protocol on tokio, a task per connection",
            variants: &[Variant {
                name: "interleaved",
                summary: "two open connections, requests alternating",
            }],
            threads: None,
            run: run_tokio,
        },
        Example {
            name: "robustness",
            summary: "malformed, binary and over-long input, vanishing clients, limits, idle timeout, graceful shutdown",
            variants: &[
                Variant {
                    name: "reactor",
                    summary: "every check against the poll reactor",
                },
                Variant {
                    name: "tokio",
                    summary: "every check against the tokio server",
                },
            ],
            threads: None,
            run: robustness::run,
        },
        Example {
            name: "shutdown",
            summary: "shut a server down under load: every answer it produced reaches its client",
            variants: &[
                Variant {
                    name: "reactor",
                    summary: "50 clients, shutdown mid-run",
                },
                Variant {
                    name: "tokio",
                    summary: "50 clients, shutdown mid-run",
                },
            ],
            threads: None,
            run: shutdown::run,
        },
        Example {
            name: "load-test",
            summary: "a small load on each server: throughput and p50/p99 latency in one table (the `load` tool does more)",
            variants: &[Variant {
                name: "compare",
                summary: "blocking, reactor and tokio under the same load",
            }],
            threads: None,
            run: bench::run,
        },
    ],
};
