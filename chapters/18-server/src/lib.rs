//! Chapter 18 — Building a server from scratch.
//!
//! The book builds a server in steps: a blocking echo server on raw sockets, the sum/product
//! protocol as a console loop and then as a blocking server, generators and callback-driven
//! coroutines as building blocks, and finally a non-blocking `select` reactor driving one
//! coroutine per connection. This chapter takes the same steps in Rust — [`echo_blocking`],
//! [`sum_product`] (served by [`blocking`]), [`state_machines`], [`reactor`] on `poll(2)` — and
//! goes on: the same protocol on tokio ([`tokio_server`]), limits and timeouts against hostile
//! clients ([`robustness`], and [`slow_client`] for the blocking server), graceful shutdown under load ([`shutdown`]), and a load generator
//! ([`load`], [`mod@bench`]) that measures all three.
//!
//! The protocol itself has no I/O ([`protocol`]); every server moves bytes its own way and asks
//! the protocol what to answer. A request's own types, which the exercises and the protocol
//! share, are [`request`]'s. [`server`] starts and stops the servers through the counters and
//! switch of [`lifecycle`]; [`tools`] holds `serve` and `load`. Exercises: [`evaluate`] (18.1)
//! and [`line_framer`] (18.2), which the servers use.

use common::{Chapter, Example, Tool};

pub mod bench;
pub mod blocking;
pub mod echo_blocking;
pub mod interleaved;
pub mod lifecycle;
pub mod load;
pub mod protocol;
pub mod reactor;
pub mod request;
pub mod robustness;
pub mod server;
pub mod shutdown;
pub mod slow_client;
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
            variants: echo_blocking::Scenario::ALL,
            threads: None,
            run: echo_blocking::run,
        },
        Example {
            name: "sum-product",
            summary: "the book's sum/product protocol: a console loop, then a blocking server",
            variants: sum_product::Stage::ALL,
            threads: None,
            run: sum_product::run,
        },
        Example {
            name: "state-machines",
            summary: "generators and callback-driven coroutines become a hand-written state machine and an async fn",
            variants: state_machines::BuildingBlock::ALL,
            threads: None,
            run: state_machines::run,
        },
        Example {
            name: "reactor",
            summary: "the non-blocking server: one thread, poll(2), two clients served interleaved",
            variants: interleaved::Clients::ALL,
            threads: None,
            run: run_reactor,
        },
        Example {
            name: "tokio",
            summary: "the same protocol on tokio, a task per connection",
            variants: interleaved::Clients::ALL,
            threads: None,
            run: run_tokio,
        },
        Example {
            name: "robustness",
            summary: "malformed, binary and over-long input, vanishing clients, limits, idle timeout, graceful shutdown",
            variants: robustness::Target::ALL,
            threads: None,
            run: robustness::run,
        },
        Example {
            name: "slow-client",
            summary: "a byte every 100 ms holds the blocking server (its idle timeout counts silence, not progress); a deadline per request frees it",
            variants: slow_client::Guard::ALL,
            threads: None,
            run: slow_client::run,
        },
        Example {
            name: "shutdown",
            summary: "shut a server down under load: every answer it produced reaches its client",
            variants: shutdown::Target::ALL,
            threads: None,
            run: shutdown::run,
        },
        Example {
            name: "load-test",
            summary: "a small load on each server: throughput and p50/p99 latency in one table (the `load` tool does more)",
            variants: bench::Comparison::ALL,
            threads: None,
            run: bench::run,
        },
    ],
};
