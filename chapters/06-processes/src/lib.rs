//! Chapter 6 — Working with processes.
//!
//! The book's chapter 6 starts `multiprocessing.Process`es, names them, prints their pids, makes
//! one a daemon, joins with a timeout and sends an object to a child. Here the same on Unix:
//! `std::process::Command` and `fork`, exit codes and signals told apart by `waitpid`, SIGTERM
//! handled for a clean shutdown, a child that dies with its parent, a join with a timeout, and
//! length-prefixed messages over a pipe. Every child is reaped; nothing waits without a deadline.
//!
//! The modules, in tour order: [`spawn`], [`signals`], [`daemon`], [`pipes`], [`process_pool`], [`cost`]; the helpers in [`fork`]; and
//! the exercise modules [`wait_timeout`] (6.1) and [`framing`] (6.2).

#[cfg(not(unix))]
compile_error!("chapter 6 uses fork, signals, /proc and pipes: it builds on Linux only");

use common::{Chapter, Example, ThreadsSpec};

pub mod cost;
pub mod daemon;
pub mod fork;
pub mod pipes;
pub mod process_pool;
pub mod signals;
pub mod spawn;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 6.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_wait_timeout.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_wait_timeout.rs")]
pub mod wait_timeout;

/// Exercise 6.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_framing.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_framing.rs")]
pub mod framing;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 6,
    title: "Working with processes",
    tools: &[],
    examples: &[
        Example {
            name: "spawn",
            summary: "countdown workers with names and pids; exit codes and killing signals told apart, with Command and with fork + waitpid",
            variants: spawn::Api::ALL,
            threads: None,
            run: spawn::run,
        },
        Example {
            name: "signals",
            summary: "SIGTERM handled for a clean shutdown vs SIGTERM unhandled vs SIGKILL; the zombie, and its reaping",
            variants: signals::Plan::ALL,
            threads: None,
            run: signals::run,
        },
        Example {
            name: "daemon-and-join-timeout",
            summary: "a child that outlives its parent, one that dies with it (PR_SET_PDEATHSIG), and a join with a timeout plus is_alive",
            variants: daemon::Fate::ALL,
            threads: None,
            run: daemon::run,
        },
        Example {
            name: "pipes",
            summary: "forked workers send length-prefixed messages over their own pipes; every one received exactly once",
            variants: pipes::Encoding::ALL,
            threads: Some(ThreadsSpec {
                meaning: "worker processes",
                default: 3,
                min: 1,
                max: 32,
            }),
            run: pipes::run,
        },
        Example {
            name: "process-pool",
            summary: "the book's primality tasks on a pool of worker processes fed over one pipe, stopped by poison pills; and on threads",
            variants: process_pool::Workers::ALL,
            threads: Some(ThreadsSpec {
                meaning: "workers",
                default: 4,
                min: 1,
                max: 32,
            }),
            run: process_pool::run,
        },
        Example {
            name: "cost",
            summary: "what a process costs next to a thread: fork + waitpid vs spawn + join, median of many",
            variants: cost::Cost::ALL,
            threads: None,
            run: cost::run,
        },
    ],
};
