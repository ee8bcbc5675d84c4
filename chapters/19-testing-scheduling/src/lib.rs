//! Chapter 19 — Testing, debugging and scheduling concurrent applications.
//!
//! The book's chapter 19 schedules jobs with APScheduler (an interval job ticking while the main
//! thread works, overlapping runs capped by `max_instances`, a weekday cron job), tests Fibonacci
//! functions with `unittest` and runs the slow tests concurrently, and discusses how to test and
//! debug concurrent programs. Here every part runs for real: a small job scheduler on tokio time,
//! a test harness timed with one thread and with several, a buggy ticket dispenser that a stress
//! test misses and a model checker finds, `tracing` spans written as a Chrome trace, and a
//! deadlock report read line by line.
//!
//! The modules, one concept each, in tour order: [`scheduler`] (with [`calendar`], exercise 19.2,
//! and [`instance_gate`], exercise 19.1), [`testing`] (with [`fib`]), [`model_checking`],
//! [`tracing_demo`] (with the Chrome-trace layer of `common::trace`, which every chapter's
//! `--trace FILE` uses), [`deadlock_debugging`].

use common::{Chapter, Example, ThreadsSpec, Tool};

pub mod deadlock_debugging;
pub mod fib;
pub mod model_checking;
pub mod scheduler;
pub mod testing;
pub mod tracing_demo;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 19.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_instance_gate.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_instance_gate.rs")]
pub mod instance_gate;

/// Exercise 19.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_calendar.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_calendar.rs")]
pub mod calendar;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 19,
    title: "Testing, debugging and scheduling",
    tools: &[Tool {
        name: "trace",
        summary: "run the traced threads and tasks and write a Chrome trace (open it in Perfetto)",
        run: tracing_demo::trace_tool,
    }],
    examples: &[
        Example {
            name: "scheduler",
            summary: "the book's APScheduler jobs on a small tokio scheduler: an interval tick, capped overlapping runs, a weekday 17:00 job",
            variants: scheduler::Demo::ALL,
            threads: None,
            run: scheduler::run,
        },
        Example {
            name: "testing",
            summary: "the book's Fibonacci tests, and its slow suite timed on one test thread and on several",
            variants: testing::Suite::ALL,
            threads: Some(ThreadsSpec {
                meaning: "test threads for the parallel run",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: testing::run,
        },
        Example {
            name: "model-checking",
            summary: "a ticket dispenser that hands out duplicates: a stress test misses it, shuttle finds it, replays it, and passes the fix",
            variants: model_checking::Version::ALL,
            threads: None,
            run: model_checking::run,
        },
        Example {
            name: "tracing",
            summary: "threads and tokio tasks in tracing spans: the interleaving as a log and as a Chrome trace for Perfetto",
            variants: tracing_demo::Format::ALL,
            threads: None,
            run: tracing_demo::run,
        },
        Example {
            name: "deadlock-debugging",
            summary: "three innocent-looking transfers with a hidden lock-order cycle: read the detector's report, then fix the order",
            variants: deadlock_debugging::LockOrder::ALL,
            threads: None,
            run: deadlock_debugging::run,
        },
    ],
};

// Always std's lock: the scheduler and the tracing layer are not model-checked, so they keep
// std's locks under the `shuttle` feature too.
pub(crate) use common::sync::std_lock as lock;
