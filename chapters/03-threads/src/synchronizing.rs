//! One shared counter, three correct ways: a lock, an atomic, and message passing.
//!
//! The book's chapter 3 synchronizes threads with a `threading.Lock` (`Chapter03/example4.py`)
//! and hands work over through a `queue.Queue` (`example5.py`). A counter that several threads
//! bump is the smallest program that needs one or the other:
//!
//! - `lock`: the count lives in a `Mutex<u64>`; each increment locks, adds, unlocks.
//! - `atomic`: an `AtomicU64` and `fetch_add`, one indivisible read-modify-write, no lock.
//! - `channel`: nobody shares the count. One thread owns it; the workers *send* it increments
//!   over an `mpsc` channel, and it adds them up until every sender has hung up.
//!
//! All three give exactly `threads × increments`. (A plain load-then-store would lose updates:
//! chapter 14's `lost-updates` shows that.) The primitives come from `common::sync`, so
//! `tests/model_check.rs` runs this very code under shuttle across many schedules.
//!
//! Run: `cargo run -p chapter-3 -- run synchronizing --threads 4`. Expect the exact count for
//! each variant, and their times: the atomic is cheapest, message passing dearest.

use std::time::Duration;

use common::sync::atomic::{AtomicU64, Ordering};
use common::sync::{Mutex, mpsc, spawn_named};
use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict, format};
use std::sync::Arc;

common::variants! {
    /// The three ways.
    pub enum Way {
        /// A `Mutex<u64>`.
        Lock = "lock": "a Mutex<u64>",
        /// An `AtomicU64` with `fetch_add`.
        Atomic = "atomic": "an AtomicU64 with fetch_add",
        /// One owner thread; increments arrive over a channel.
        Channel = "channel": "one owner thread adds up increments sent over a channel",
    }
}

/// `threads` threads each add 1 to a shared counter `increments` times; returns the final count.
pub fn count(way: Way, threads: usize, increments: u64) -> u64 {
    match way {
        Way::Lock => with_lock(threads, increments),
        Way::Atomic => with_atomic(threads, increments),
        Way::Channel => with_channel(threads, increments),
    }
}

fn join_all<T>(handles: Vec<common::sync::thread::JoinHandle<T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|_| panic!("a counting thread panicked"))
        })
        .collect()
}

fn with_lock(threads: usize, increments: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles = (0..threads)
        .map(|i| {
            let counter = Arc::clone(&counter);
            spawn_named(format!("counter {i}"), move || {
                for _ in 0..increments {
                    *common::sync::lock(&counter) += 1;
                }
            })
        })
        .collect();
    join_all(handles);
    *common::sync::lock(&counter)
}

fn with_atomic(threads: usize, increments: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles = (0..threads)
        .map(|i| {
            let counter = Arc::clone(&counter);
            spawn_named(format!("counter {i}"), move || {
                for _ in 0..increments {
                    // Relaxed is enough: only the count matters, and join publishes it.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    join_all(handles);
    counter.load(Ordering::Relaxed)
}

fn with_channel(threads: usize, increments: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<u64>();
    // The owner: the only thread that ever touches the count. `recv` fails once every sender
    // is dropped, which is how it knows the workers are done.
    let owner = spawn_named("owner", move || {
        let mut total = 0;
        while let Ok(add) = rx.recv() {
            total += add;
        }
        total
    });
    let handles = (0..threads)
        .map(|i| {
            let tx = tx.clone();
            spawn_named(format!("counter {i}"), move || {
                for _ in 0..increments {
                    tx.send(1).unwrap_or_else(|_| panic!("the owner hung up"));
                }
            })
        })
        .collect();
    drop(tx);
    join_all(handles);
    owner
        .join()
        .unwrap_or_else(|_| panic!("the owner thread panicked"))
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let way = config.variant_of::<Way>()?;
    let increments = config.pick(50_000, 500_000);
    let expected = config.threads as u64 * increments;
    let watch = Stopwatch::start();
    let total = count(way, config.threads, increments);
    let took: Duration = watch.elapsed();

    let mut table = TableData::new(
        format!(
            "{} × {}",
            format::counted(config.threads, "threads"),
            format::counted(increments, "increments")
        ),
        &["way", "expected", "counted", "time"],
    );
    table.row([
        way.to_string(),
        format::count(expected),
        format::count(total),
        human(took),
    ]);
    let how = match way {
        Way::Lock => "each increment locks a Mutex<u64>, adds one and unlocks",
        Way::Atomic => "each increment is one fetch_add on an AtomicU64: no lock at all",
        Way::Channel => {
            "the workers send 1s over a channel; one owner thread adds them up, nothing is shared"
        }
    };
    Ok(
        config.outcome(Verdict::from(total == expected))
            .line(how)
            .table(table)
            .count("counted", total, "increments").as_key()
            .count("expected", expected, "increments")
            .duration("time", took)
            .notice("three correct counters: share under a lock, share one atomic word, or share nothing and send messages"),
    )
}
