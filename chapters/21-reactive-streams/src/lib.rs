//! Chapter 21 (bonus) — Reactive streams.
//!
//! The book has no reactive-streams chapter: this one is the workspace's own, built on the book's
//! asyncio chapters (9–11). A reactive stream is a sequence of values spread over time that a
//! subscriber reacts to; in Rust that is a `futures::Stream`, and operators build streams from
//! streams. Every example subscribes to a simulated sensor that takes readings on a schedule, in
//! real time (`tokio::time`: latency is the subject), and prints its input and output as
//! timelines; the tests replay the same code on tokio's paused clock, where every time is exact.
//!
//! The modules, one concept each, in tour order: [`operators`] (map, filter, scan, chunks, merge,
//! zip, throttle, debounce), [`hot_and_cold`] (cold vs hot streams, late and lagging
//! subscribers), [`backpressure`] (buffer, drop, conflate, sample); [`timeline`] holds the sensor
//! and the lanes; and the exercise modules [`debounce`] (21.1) and [`sample`] (21.2), which the
//! examples use too.

use common::{Chapter, Example, Variant};

pub mod backpressure;
pub mod hot_and_cold;
pub mod operators;
pub mod timeline;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 21.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_debounce.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_debounce.rs")]
pub mod debounce;

/// Exercise 21.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_sample.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_sample.rs")]
pub mod sample;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 21,
    title: "Reactive streams",
    tools: &[],
    examples: &[
        Example {
            name: "operators",
            summary: "a futures::Stream pipeline from a real-time sensor: each operator's input and output timelines",
            variants: &[
                Variant {
                    name: "map",
                    summary: "°C to °F: one out per in, at the same moment",
                },
                Variant {
                    name: "filter",
                    summary: "alarms only: readings of 25 °C or more",
                },
                Variant {
                    name: "scan",
                    summary: "state across items: the highest reading so far",
                },
                Variant {
                    name: "chunks",
                    summary: "batches of 3: chunks waits for a full batch, chunks_timeout not past 30 ms",
                },
                Variant {
                    name: "merge",
                    summary: "temperature and humidity sensors into one stream, by arrival",
                },
                Variant {
                    name: "zip",
                    summary: "temperature and humidity paired item by item: the fast one waits",
                },
                Variant {
                    name: "throttle",
                    summary: "25 ms apart: tokio-stream's throttle delays, throttle_first drops",
                },
                Variant {
                    name: "debounce",
                    summary: "one reading per burst, 40 ms after its last (exercise 21.1)",
                },
            ],
            threads: None,
            run: operators::run,
        },
        Example {
            name: "hot-and-cold",
            summary: "a cold stream replays for each subscriber; a hot one is shared, so late and slow subscribers miss readings",
            variants: &[
                Variant {
                    name: "cold",
                    summary: "each subscriber starts its own run; B, 120 ms late, still gets all",
                },
                Variant {
                    name: "hot",
                    summary: "one broadcast run; B, 120 ms late, misses the first readings and is not told",
                },
                Variant {
                    name: "lagging",
                    summary: "broadcast of 4 and a slow subscriber: it loses the oldest and is told how many (Lagged)",
                },
            ],
            threads: None,
            run: hot_and_cold::run,
        },
        Example {
            name: "backpressure",
            summary: "a producer 4x faster than its subscriber: what buffering, dropping, conflating and sampling keep",
            variants: &[
                Variant {
                    name: "buffer",
                    summary: "bounded mpsc: keeps all, holds the producer back",
                },
                Variant {
                    name: "drop-newest",
                    summary: "bounded mpsc with try_send: a reading that finds the queue full is dropped",
                },
                Variant {
                    name: "drop-oldest",
                    summary: "broadcast ring: the oldest is overwritten, the subscriber told (Lagged)",
                },
                Variant {
                    name: "latest",
                    summary: "watch: one slot, always the newest reading (conflation)",
                },
                Variant {
                    name: "sample",
                    summary: "the freshest reading every 10 ms (exercise 21.2)",
                },
                Variant {
                    name: "compare",
                    summary: "all five strategies on one workload, side by side",
                },
            ],
            threads: None,
            run: backpressure::run,
        },
    ],
};
