//! Writing your own guard: any "give it back" becomes a `Drop`.
//!
//! Python's `with` works for any object with `__enter__` and `__exit__`. Rust's equivalent is a
//! value whose `Drop` does the release. Two of them here:
//!
//! - [`crate::permits::Permit`] (exercise 4.1): a counting-semaphore permit returned on drop, so
//!   at most N workers are ever inside, and no exit path can lose a permit;
//! - [`HoldTimer`]: records how long it was alive into shared [`HoldStats`] when dropped — a
//!   guard that releases nothing but measures the span it covers.
//!
//! Six workers share two permits. Inside, each holds its permit for 1 ms: a sleep, because the
//! permit models a slot held during I/O (a connection, a file) and its latency is the subject.
//! The report shows the most workers ever inside at once (never above the permits), the permits
//! free at the end (all of them) and the hold times the timer guards recorded.
//!
//! Mirrors no single book example; it generalizes the book's `with` to resources of your own
//! (the book's chapter 4 mentions that any context manager works in a `with`).
//!
//! Run: `cargo run -p chapter-4 -- run custom-guard`. Expect: at most 2 inside, 2 of 2 permits
//! free at the end, a mean hold of a little over 1 ms.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::permits::Semaphore;

common::variants! {
    /// The example's one variant.
    pub enum Guarding {
        /// Six workers share two permits, each held under a timer.
        Permits = "permits": "six workers, two permits: never more than two inside, every permit returned",
    }
}

/// Hold times gathered by [`HoldTimer`]s.
#[derive(Debug, Default)]
pub struct HoldStats {
    count: AtomicU64,
    total_nanos: AtomicU64,
    max_nanos: AtomicU64,
}

impl HoldStats {
    /// Starts a timer that reports to these stats when dropped.
    pub fn start(&self) -> HoldTimer<'_> {
        HoldTimer {
            stats: self,
            started: Instant::now(),
        }
    }

    /// Spans recorded.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Mean span.
    pub fn mean(&self) -> Duration {
        let count = self.count().max(1);
        Duration::from_nanos(self.total_nanos.load(Ordering::Relaxed) / count)
    }

    /// Longest span.
    pub fn max(&self) -> Duration {
        Duration::from_nanos(self.max_nanos.load(Ordering::Relaxed))
    }
}

/// Measures the time from its creation to its drop.
#[derive(Debug)]
#[must_use = "the timer measures until it is dropped"]
pub struct HoldTimer<'a> {
    stats: &'a HoldStats,
    started: Instant,
}

impl Drop for HoldTimer<'_> {
    fn drop(&mut self) {
        let nanos = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.stats.count.fetch_add(1, Ordering::Relaxed);
        self.stats.total_nanos.fetch_add(nanos, Ordering::Relaxed);
        self.stats.max_nanos.fetch_max(nanos, Ordering::Relaxed);
    }
}

/// What the run saw.
#[derive(Debug)]
pub struct PermitReport {
    /// Permits in all.
    pub permits: usize,
    /// Workers.
    pub workers: usize,
    /// Most workers inside at once.
    pub most_inside: usize,
    /// Permits free at the end.
    pub free_at_end: usize,
    /// Permits handed out and returned.
    pub uses: u64,
    /// Hold times.
    pub stats: Arc<HoldStats>,
    /// How the watched run ended.
    pub ending: Ending,
}

/// Runs `workers` workers, each taking a permit `rounds` times and holding it for `hold`.
pub fn run_permits(
    permits: usize,
    workers: usize,
    rounds: usize,
    hold: Duration,
    budget: Duration,
) -> PermitReport {
    let semaphore = Arc::new(Semaphore::new(permits));
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let stats = Arc::new(HoldStats::default());
    let group = (0..workers)
        .map(|i| {
            let (semaphore, inside, most, stats) = (
                Arc::clone(&semaphore),
                Arc::clone(&inside),
                Arc::clone(&most),
                Arc::clone(&stats),
            );
            worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                for _ in 0..rounds {
                    if ctx.should_stop() {
                        break;
                    }
                    let _permit = semaphore.acquire();
                    let _timer = stats.start(); // dropped before `_permit`: reverse order
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(hold); // latency is the subject: a slot held during I/O
                    inside.fetch_sub(1, Ordering::SeqCst);
                    ctx.progress();
                }
            })
        })
        .collect();
    let report = Watchdog::new(budget).stall_after(budget / 2).run(group);
    PermitReport {
        permits,
        workers,
        most_inside: most.load(Ordering::SeqCst),
        free_at_end: semaphore.available(),
        uses: report.total_progress(),
        stats,
        ending: report.ending,
    }
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Guarding::Permits = config.variant_of()?;
    let rounds = config.pick(20, 100);
    let report = run_permits(2, 6, rounds, Duration::from_millis(1), config.budget());
    let mut table = TableData::new(
        "Six workers, two permits (each held 1 ms: latency is the subject)",
        &[
            "permits",
            "workers",
            "most inside at once",
            "permits free at the end",
            "uses",
            "mean hold",
            "longest hold",
        ],
    );
    table.row([
        report.permits.to_string(),
        report.workers.to_string(),
        report.most_inside.to_string(),
        report.free_at_end.to_string(),
        report.uses.to_string(),
        common::timing::human(report.stats.mean()),
        common::timing::human(report.stats.max()),
    ]);
    let showed = report.ending == Ending::Finished
        && report.most_inside <= report.permits
        && report.free_at_end == report.permits
        && report.uses == (report.workers * rounds) as u64
        && report.stats.count() == report.uses;
    Ok(
        config.outcome(Verdict::from(showed))
            .line("Each worker: `let _permit = semaphore.acquire(); let _timer = stats.start();` then 1 ms of work.")
            .line("Both guards drop at the end of the loop body, in reverse order: timer first, then the permit.")
            .count("most inside at once", report.most_inside, "workers").as_key()
            .count("permits free at the end", report.free_at_end, "permits")
            .duration("mean hold", report.stats.mean())
            .table(table)
            .notice("any release can be a Drop: the permit cannot be lost on any exit path"),
    )
}
