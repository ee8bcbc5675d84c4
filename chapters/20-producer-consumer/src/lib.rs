//! Chapter 20 (bonus) — Producer–consumer.
//!
//! Producers make work, consumers do it, and a queue between them decouples the two. The book
//! uses the pattern in chapters 3 and 6 (`queue.Queue`, `multiprocessing.JoinableQueue`) and gets
//! its shutdown wrong once (`Chapter06/example7.py` hangs) before fixing it with poison pills
//! (`example8.py`). This chapter builds the queue itself — the bounded buffer, from a `Mutex`
//! and two `Condvar`s, model-checked — compares it with real channels, then takes up the
//! questions every pipeline must answer: how does it stop, what happens when the consumer is
//! slow, and how do items cross a process boundary or an `.await`.
//!
//! The modules, one concept each, in tour order: [`bounded_buffer`], [`flawed_shutdown`],
//! [`shutdown`], [`backpressure`], [`across_processes`], [`async_pipeline`]; [`tasks`] holds the
//! book's work items, [`pressure`] what `backpressure` and `async_pipeline` share,
//! [`bounded_buffer::throughput`] the `compare` variant's table and chart, [`forced_stranding`]
//! the schedule that makes `flawed-shutdown` strand work every time; and the exercise
//! modules [`buffer`] (20.1, the bounded buffer's `put`, `take` and `close`) and
//! [`poison_pill`] (20.2), which the examples use too.

use common::{Chapter, Example, ThreadsSpec};

pub mod across_processes;
pub mod async_pipeline;
pub mod backpressure;
pub mod bounded_buffer;
pub mod flawed_shutdown;
pub mod forced_stranding;
pub mod pressure;
pub mod shutdown;
pub mod tasks;

/// Exercise 20.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_bounded_buffer.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_bounded_buffer.rs")]
pub mod buffer;

/// Exercise 20.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_poison_pill.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_poison_pill.rs")]
pub mod poison_pill;

/// Committed wrong solutions of the exercises, for `cargo xtask exercise verify`.
#[cfg(mutants)]
pub mod mutants;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 20,
    title: "Producer–consumer",
    tools: &[],
    examples: &[
        Example {
            name: "bounded-buffer",
            summary: "the bounded buffer from Mutex + Condvar, the `if` that breaks it, and its throughput against crossbeam and mpsc",
            variants: bounded_buffer::Lesson::ALL,
            threads: Some(ThreadsSpec {
                meaning: "N, producers and consumers in the N:1, 1:N and N:N rows",
                default: 2,
                min: 1,
                max: 16,
            }),
            run: bounded_buffer::run,
        },
        Example {
            name: "flawed-shutdown",
            summary: "the book's consumers quit while the queue looks empty, before the work arrives: tasks stranded, join() would hang",
            variants: flawed_shutdown::Quitting::ALL,
            threads: Some(ThreadsSpec {
                meaning: "consumers",
                default: 2,
                min: 1,
                max: 16,
            }),
            run: flawed_shutdown::run,
        },
        Example {
            name: "shutdown",
            summary: "ending a pipeline so every task is done exactly once: poison pills, closing the queue, a pre-filled work queue",
            variants: shutdown::Stopping::ALL,
            threads: Some(ThreadsSpec {
                meaning: "consumers (poison-pill, close)",
                default: 2,
                min: 1,
                max: 16,
            }),
            run: shutdown::run,
        },
        Example {
            name: "backpressure",
            summary: "a slow consumer: a bounded queue holds the producers back, an unbounded one queues the whole backlog",
            variants: backpressure::Queue::ALL,
            threads: None,
            run: backpressure::run,
        },
        Example {
            name: "across-processes",
            summary: "a forked producer writes messages into a pipe; the consumer process checks exact-once delivery",
            variants: across_processes::Framing::ALL,
            threads: None,
            run: across_processes::run,
        },
        Example {
            name: "async",
            summary: "the pipeline as tokio tasks on one thread: mpsc::channel suspends senders, unbounded_channel never does",
            variants: async_pipeline::Channel::ALL,
            threads: None,
            run: async_pipeline::run,
        },
    ],
};
