//! Detached threads: what the book's daemon threads become in Rust, and why they must be told
//! to stop.
//!
//! Python's `daemon=True` threads are killed without ceremony when the interpreter exits; a
//! non-daemon thread keeps the program alive. Rust has one rule for both: dropping a
//! `JoinHandle` *detaches* the thread — it keeps running, nobody can join it any more — and
//! when `main` returns the process exits and every remaining thread dies mid-step, its
//! destructors never run. So a detached thread that writes a file or holds a connection can be
//! cut off at any point.
//!
//! The example spawns a ticker thread, drops its handle at once, and watches its tick count keep
//! climbing: the thread outlived its handle. Then, instead of leaving it to be killed at exit,
//! it raises a stop flag and waits (with a bounded wait) for the thread to say it has stopped.
//! The ticks are 1 ms sleeps: latency, not work, is the subject.
//!
//! Run: `cargo run -p chapter-3 -- run detached`. Expect the tick count to grow after the
//! handle is dropped, and the thread to acknowledge the stop flag within milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict, format};

common::variants! {
    /// The example's one variant.
    pub enum Stopping {
        /// Detach the thread, then stop it through a flag it checks.
        StopFlag = "stop-flag": "drop the JoinHandle, watch it tick on, then stop it through a flag",
    }
}

/// What the example observed.
#[derive(Debug, Clone)]
pub struct Detached {
    /// Ticks when the handle was dropped.
    pub at_drop: u64,
    /// Ticks a while later, with no handle left.
    pub later: u64,
    /// Whether the thread acknowledged the stop flag in time.
    pub stopped: bool,
    /// How long it took to acknowledge.
    pub stop_took: Duration,
}

/// Spawns a ticker, detaches it, watches it for `watch`, then stops it through a flag.
pub fn detach_and_stop(watch: Duration) -> anyhow::Result<Detached> {
    let ticks = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::new(AtomicBool::new(false));
    let handle = std::thread::Builder::new().name("ticker".into()).spawn({
        let (ticks, stop, stopped) = (Arc::clone(&ticks), Arc::clone(&stop), Arc::clone(&stopped));
        move || {
            while !stop.load(Ordering::Acquire) {
                ticks.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(1));
            }
            stopped.store(true, Ordering::Release);
        }
    })?;
    // Let it start, then detach it: from here on nobody can join it.
    while ticks.load(Ordering::Relaxed) == 0 {
        std::thread::yield_now();
    }
    drop(handle);
    let at_drop = ticks.load(Ordering::Relaxed);
    std::thread::sleep(watch);
    let later = ticks.load(Ordering::Relaxed);

    // The only way to end a detached thread cleanly: ask it, and have it listen.
    let asked = Instant::now();
    stop.store(true, Ordering::Release);
    while !stopped.load(Ordering::Acquire) && asked.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_micros(200));
    }
    Ok(Detached {
        at_drop,
        later,
        stopped: stopped.load(Ordering::Acquire),
        stop_took: asked.elapsed(),
    })
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Stopping::StopFlag = config.variant_of()?;
    let watch = Duration::from_millis(config.pick(30, 200));
    let seen = detach_and_stop(watch)?;
    let mut table = TableData::new("The detached ticker", &["moment", "ticks"]);
    table.row(["its JoinHandle dropped", &seen.at_drop.to_string()]);
    table.row([
        format!("{} later", human(watch)).as_str(),
        &seen.later.to_string(),
    ]);
    let ran_on = seen.later > seen.at_drop;
    Ok(config.outcome(Verdict::from(ran_on && seen.stopped))
        .line("Dropping a JoinHandle detaches its thread: it keeps running, but nobody can join it any more.")
        .line("Like the book's daemon threads, a detached thread dies when main returns: the process exits under it, mid-step, without running its destructors.")
        .line(format!(
            "So it was not left to die: the stop flag was raised and the thread acknowledged it after {} (stopped: {}).",
            human(seen.stop_took),
            format::yes_no(seen.stopped)
        ))
        .table(table)
        .count("ticks after the handle was dropped", seen.later - seen.at_drop, "ticks").as_key()
        .duration("time to stop", seen.stop_took)
        .notice("a detached thread runs on until it returns or the process exits: give it a way to stop, or keep its handle and join it"))
}
