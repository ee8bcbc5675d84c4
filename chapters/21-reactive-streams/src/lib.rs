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

use common::{Chapter, Example};

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
            variants: operators::Operator::ALL,
            threads: None,
            run: operators::run,
        },
        Example {
            name: "hot-and-cold",
            summary: "a cold stream replays for each subscriber; a hot one is shared, so late and slow subscribers miss readings",
            variants: hot_and_cold::Temperature::ALL,
            threads: None,
            run: hot_and_cold::run,
        },
        Example {
            name: "backpressure",
            summary: "a producer 4x faster than its subscriber: what buffering, dropping, conflating and sampling keep",
            variants: backpressure::Choice::ALL,
            threads: None,
            run: backpressure::run,
        },
    ],
};
