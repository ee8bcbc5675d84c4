//! One lock around the whole countdown: the two threads no longer overlap, they take turns.
//!
//! Mirrors the book's `Chapter03/example4.py`: the same two countdown threads as example1, but
//! `run` holds one module-level `threading.Lock` for the whole countdown, so thread A counts
//! down to 1 and only then does B start (the book measured about 5 s against about 2.5 s
//! unlocked). Here both threads count down from 5 with a 10 ms sleep per step (the book's 0.5 s
//! scaled: the sleeps are latency, the subject), once without the lock and once under one
//! shared `Mutex<()>`, and the two runs are timed side by side (the median of three runs each).
//!
//! What to notice: under the lock the merged timeline has exactly one switch from A to B (or B
//! to A) — guaranteed by mutual exclusion — and the run takes at least the sum of both
//! countdowns. A lock around *all* of a thread's work makes the threads sequential.
//!
//! Run: `cargo run -p chapter-3 -- run lock-serializes`. Expect about 50 ms unlocked and about
//! 100 ms locked: a ratio near 2.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::countdown::{COUNT_FROM, Timeline, count_down};

/// One run of the pair: how long it took and its merged timeline.
#[derive(Debug, Clone)]
pub struct PairRun {
    /// Wall-clock time for both threads.
    pub took: Duration,
    /// Both threads' steps.
    pub timeline: Timeline,
}

/// Runs threads A and B, each counting down with `delay`, under one shared lock or none.
pub fn run_pair(delay: Duration, locked: bool) -> anyhow::Result<PairRun> {
    let timeline = Timeline::new();
    let lock = Arc::new(Mutex::new(()));
    let watch = Stopwatch::start();
    let handles = ["A", "B"]
        .into_iter()
        .map(|name| {
            let (timeline, lock) = (timeline.clone(), Arc::clone(&lock));
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    // The book's `with thread_lock:` around the whole countdown.
                    let _guard =
                        locked.then(|| lock.lock().unwrap_or_else(PoisonError::into_inner));
                    count_down(delay, &timeline);
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow::anyhow!("a countdown thread panicked"))?;
    }
    Ok(PairRun {
        took: watch.elapsed(),
        timeline,
    })
}

/// Runs the example: unlocked, then locked, side by side.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let delay = Duration::from_millis(config.pick(10, 50));
    // The median of three runs of each: one late wake-up on a busy machine should not decide.
    let median = |locked: bool| -> anyhow::Result<PairRun> {
        let mut runs = (0..3)
            .map(|_| run_pair(delay, locked))
            .collect::<anyhow::Result<Vec<_>>>()?;
        runs.sort_by_key(|r| r.took);
        Ok(runs.swap_remove(1))
    };
    let unlocked = median(false)?;
    let locked = median(true)?;
    let one = delay * COUNT_FROM;

    let mut table = TableData::new(
        format!(
            "Two countdowns of {COUNT_FROM} steps x {} (one alone: {})",
            human(delay),
            human(one)
        ),
        &["run", "book", "time", "switches between threads"],
    );
    table.row([
        "no lock".to_string(),
        "example1 (~2.5 s)".to_string(),
        human(unlocked.took),
        unlocked.timeline.switches().to_string(),
    ]);
    table.row([
        "one lock around the countdown".to_string(),
        "example4 (~5 s)".to_string(),
        human(locked.took),
        locked.timeline.switches().to_string(),
    ]);

    let ratio = locked.took.as_secs_f64() / unlocked.took.as_secs_f64();
    // Guaranteed by the lock: one switch, and at least both countdowns' sleeps. The ratio is a
    // measurement: near 2 on an idle machine; 1.2 leaves room for a loaded machine, whose late
    // wake-ups stretch the unlocked run more than the locked one.
    let showed = locked.timeline.switches() == 1 && locked.took >= 2 * one && ratio >= 1.2;
    Ok(config.outcome(Verdict::from(showed),
    )
    .line("The same two countdown threads, first free, then each holding one shared Mutex<()> for its whole countdown.")
    .line(format!(
        "Sleeps of {} per step stand in for the book's 0.5 s: the subject is waiting, not computing. Times are medians of three runs.",
        human(delay)
    ))
    .table(locked.timeline.table("The locked run's merged timeline: one thread, then the other"))
    .table(table)
    .key_figure("locked / unlocked", ratio, "x")
    .figure("unlocked", unlocked.took.as_secs_f64(), "s")
    .figure("locked", locked.took.as_secs_f64(), "s")
    .notice("a lock held for all of each thread's work turns two threads into one after the other"))
}
