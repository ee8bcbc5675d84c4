//! A shared counter four ways, timed for 1..N threads: one `Mutex`, one atomic, per-thread
//! (sharded) counts summed on read, and the book's approximate counter.
//!
//! Mirrors `Chapter16/example3.py` (the single-lock counter timed for 1..10 workers, 100·n
//! increments: the time grows with the workers — it does not scale) and `example4.py` (the
//! approximate counter beside it). The book plots with matplotlib; here a table.
//!
//! The four:
//! - `Mutex<u64>`: every increment of every thread takes one lock: they queue;
//! - `AtomicU64::fetch_add`: no lock, but every increment still moves one cache line between
//!   cores, so it does not scale either — it is just cheaper per step;
//! - sharded: one atomic per thread, each on its own cache line; a read sums them. Increments
//!   share nothing; a read costs N loads and is not a snapshot (the counts move while it sums);
//! - approximate (exercise 16.1): per-thread counts under per-thread locks, moved into the
//!   global count past a threshold S; a read takes the global lock only and may miss up to
//!   `threads × (S − 1)`.
//!
//! Variants:
//! - `compare`: all four at 1..`--threads` threads, the same total work in every cell split
//!   among its threads; each run checks the final count is exact (after the approximate
//!   counter's flush) — the verdict rests on that, not on speed. The outcome carries a chart,
//!   `chapter-16-counters` (million increments per second by threads, one line per counter;
//!   in a full run each point the median of three runs, with their spread, and this machine's
//!   cores marked), which `cargo xtask bench` draws;
//! - `approximate`: the threshold sweep (S = 1, 16, 256, 4096): throughput, and the error of
//!   reads sampled while the threads count, against the bound `threads × (S − 1)`.
//!
//! Run: `cargo run --release -p chapter-16 -- run counters --threads 4`.
//! Expect: an uncontended mutex costs about twice an atomic; with more cores than this chapter's
//! 2-core test machine, the mutex and atomic columns fall as threads are added while sharded and
//! approximate hold up. On 2 shared cores the spread between runs is as large as the differences
//! (see the README); every count is exact.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::plot::median_and_spread;
use common::{Outcome, Plot, RunConfig, TableData, Verdict};

use crate::approximate_counter::ApproximateCounter;
use crate::bench::run_timed;
use crate::counter_kinds::{AtomicCounter, Counter, MutexCounter, ShardedCounter};

common::variants! {
    /// What the example measures of the four counters.
    pub enum Study {
        /// All four, timed side by side.
        Compare = "compare": "all four at 1..N threads; every final count checked exact",
        /// The approximate counter's threshold swept.
        Approximate = "approximate": "the approximate counter's threshold: throughput vs the error of reads under load",
    }
}

/// The four counters, by name.
pub const KINDS: [&str; 4] = ["mutex", "atomic", "sharded", "approximate"];

/// The book's threshold for the comparison (its `S`; the sweep tries others).
pub const THRESHOLD: u64 = 1024;

/// A fresh counter of kind `kind` (one of [`KINDS`]) for `threads` threads.
pub fn make(kind: &str, threads: usize, threshold: u64) -> Arc<dyn Counter> {
    match kind {
        "mutex" => Arc::new(MutexCounter::default()),
        "atomic" => Arc::new(AtomicCounter::default()),
        "sharded" => Arc::new(ShardedCounter::new(threads)),
        _ => Arc::new(ApproximateCounter::new(threads, threshold)),
    }
}

/// One timed run of one counter.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterThroughput {
    /// Threads counting.
    pub threads: usize,
    /// Increments in all.
    pub expected: u64,
    /// The exact count after the threads stopped.
    pub counted: u64,
    /// Increments per second, all threads together.
    pub per_second: f64,
}

/// `threads` threads each increment a fresh `kind` counter `each` times.
pub fn measure(
    kind: &str,
    threads: usize,
    each: u64,
    threshold: u64,
) -> anyhow::Result<CounterThroughput> {
    let counter = make(kind, threads, threshold);
    let shared = Arc::clone(&counter);
    let timed = run_timed(kind, threads, Duration::from_secs(30), move |me, _| {
        for _ in 0..each {
            shared.increment(me);
        }
    })?;
    let expected = each * threads as u64;
    Ok(CounterThroughput {
        threads,
        expected,
        counted: counter.settle(),
        per_second: timed.per_second(expected),
    })
}

/// Reads of the approximate counter sampled while threads count.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSample {
    /// The threshold S.
    pub threshold: u64,
    /// Increments per second while being sampled.
    pub per_second: f64,
    /// Reads taken.
    pub reads: u64,
    /// The largest miss seen: counts held locally right after a read.
    pub worst: u64,
    /// The mean miss.
    pub mean: f64,
    /// `threads × (S − 1)`.
    pub bound: u64,
    /// Whether every read was at most the count already done (a read never runs ahead).
    pub never_ahead: bool,
    /// What a read missed once every thread had stopped, before the flush.
    pub quiescent_miss: u64,
    /// Whether the count was exact after the flush.
    pub exact_after_flush: bool,
}

/// Runs `threads` threads incrementing an approximate counter with threshold `threshold` while a
/// sampler reads it over and over. A read's miss is measured as the counts still held locally
/// right after it ([`ApproximateCounter::pending`]).
pub fn sample_error(threads: usize, each: u64, threshold: u64) -> anyhow::Result<ErrorSample> {
    let counter = Arc::new(ApproximateCounter::new(threads, threshold));
    // Increments done so far, counted separately (one atomic per thread) to check that a read
    // never runs ahead of them.
    let done = Arc::new(ShardedCounter::new(threads));
    // Threads still counting: the sampler samples only while some are, so that its figures
    // describe reads *under load*, not reads of a finished count.
    let active = Arc::new(AtomicUsize::new(threads));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (counter, done, active, stop) = (
            Arc::clone(&counter),
            Arc::clone(&done),
            Arc::clone(&active),
            Arc::clone(&stop),
        );
        std::thread::spawn(move || {
            let (mut reads, mut worst, mut sum, mut ahead) = (0u64, 0u64, 0u64, false);
            // Wait for the first increment (the stop flag covers a run that fails to start).
            while done.read() == 0 && !stop.load(Ordering::Relaxed) {
                std::thread::yield_now();
            }
            while active.load(Ordering::Acquire) > 0 && !stop.load(Ordering::Relaxed) {
                let read = counter.read();
                let pending = counter.pending();
                // Each increment reaches `done` before the counter, and `done` only grows, so
                // reading `done` *after* the counter must give at least the read.
                ahead |= read > done.read();
                reads += 1;
                worst = worst.max(pending);
                sum += pending;
                std::thread::yield_now();
            }
            (reads, worst, sum, ahead)
        })
    };
    let shared = (Arc::clone(&counter), Arc::clone(&done), Arc::clone(&active));
    let timed = run_timed(
        "approximate",
        threads,
        Duration::from_secs(30),
        move |me, _| {
            for _ in 0..each {
                // `done` first: then every count the counter holds is already in `done`.
                shared.1.increment(me);
                shared.0.increment(me);
            }
            shared.2.fetch_sub(1, Ordering::Release);
        },
    );
    stop.store(true, Ordering::Relaxed);
    let (reads, worst, sum, ahead) = sampler
        .join()
        .map_err(|_| anyhow::anyhow!("the sampler panicked"))?;
    let timed = timed?;
    let expected = each * threads as u64;
    let quiescent_miss = expected - counter.read().min(expected);
    counter.flush();
    Ok(ErrorSample {
        threshold,
        per_second: timed.per_second(expected),
        reads,
        worst,
        mean: sum as f64 / reads.max(1) as f64,
        bound: counter.error_bound(),
        never_ahead: !ahead,
        quiescent_miss,
        exact_after_flush: counter.read() == expected,
    })
}

fn mops(per_second: f64) -> String {
    format!("{:.1}", per_second / 1e6)
}

/// The id of the chart the `compare` variant attaches (`cargo xtask bench` writes
/// `results/chapter-16-counters.svg`).
pub const PLOT_ID: &str = "chapter-16-counters";

/// The `counters` example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Study>()? {
        // The same total work in every cell, split among its threads: a row costs the same
        // whatever its thread count, so `--threads 16` stays within the time budget.
        // Quick: 8,000,000 a cell keeps the tour brisk (16 cells); full: 40,000,000.
        Study::Compare => compare(config, config.pick(8_000_000, 40_000_000)),
        Study::Approximate => run_sweep(config),
    }
}

/// Runs of every cell in a full `compare` (one in the tour): the chart shows their median and
/// the slowest to the fastest, since on shared cores one run can be far off the next.
pub const RUNS: usize = 3;

/// The `compare` variant: the four counters at 1..=`config.threads` threads, `total`
/// increments per cell split among its threads, every cell [`RUNS`] times in a full run (round
/// after round of the whole table, so a burst of load elsewhere hits every cell alike). One
/// table of medians, every cell a figure, and a chart of throughput by threads with one line per
/// counter and each cell's spread ([`PLOT_ID`]).
pub fn compare(config: &RunConfig, total: u64) -> anyhow::Result<Outcome> {
    let threads = config.threads.max(1);
    let runs = config.pick(1, RUNS);
    let mut header = vec!["threads".to_string()];
    header.extend(KINDS.iter().map(|k| format!("{k} (M incr/s)")));
    let mut table = TableData {
        title: format!(
            "increments per second, {} per cell split among the threads (approximate: S = \
             {THRESHOLD}), each cell {}",
            common::format::count(total),
            if runs == 1 {
                "one run".to_string()
            } else {
                format!("the median of {runs} runs")
            }
        ),
        header,
        rows: Vec::new(),
    };
    let mut all_exact = true;
    // Every run's rate, by thread count and then counter.
    let mut rates = vec![vec![Vec::with_capacity(runs); KINDS.len()]; threads];
    for _ in 0..runs {
        for (n, row) in (1..=threads).zip(&mut rates) {
            for (&kind, cell) in KINDS.iter().zip(row) {
                let m = measure(kind, n, total / n as u64, THRESHOLD)?;
                all_exact &= m.counted == m.expected;
                cell.push(m.per_second);
            }
        }
    }
    // Every cell is also a figure, so `--json` carries the whole table.
    let mut cells = Vec::new();
    for (n, row) in (1..=threads).zip(&rates) {
        let mut table_row = vec![n.to_string()];
        for (&kind, cell) in KINDS.iter().zip(row) {
            let (median, _) = median_and_spread(cell.iter().copied());
            table_row.push(mops(median));
            cells.push((kind, n, median));
        }
        table.rows.push(table_row);
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut plot = Plot::new(
        PLOT_ID,
        format!(
            "a shared counter four ways: {} increments split over 1..{threads} threads",
            common::format::count(total)
        ),
        "threads",
        "million increments per second",
    )
    .subtitle(if runs == 1 {
        "each point one run".to_string()
    } else {
        format!("each point the median of {runs} runs, its error bar the slowest to the fastest")
    })
    .cores_marker(cores);
    for (k, kind) in KINDS.iter().enumerate() {
        let (points, spread) = (1..=threads)
            .zip(&rates)
            .map(|(n, row)| {
                let (median, (low, high)) = median_and_spread(row[k].iter().copied());
                ((n as f64, median / 1e6), (low / 1e6, high / 1e6))
            })
            .unzip();
        plot = match runs {
            1 => plot.measured(*kind, points),
            _ => plot.measured_with_spread(
                *kind,
                points,
                spread,
                format!("slowest to fastest of {runs} runs"),
            ),
        };
    }
    let mut outcome = config
        .outcome(Verdict::from(all_exact))
        .table(table)
        .plot(plot)
        .line(format!(
            "each cell: {} increments split among its threads, all started together; every \
             final count checked exact: {}",
            common::format::count(total),
            common::format::yes_no(all_exact)
        ));
    for (kind, n, per_second) in cells {
        let name = format!("{kind} at {n} thread{}", if n == 1 { "" } else { "s" });
        outcome = if kind == "sharded" && n == threads {
            outcome.key_figure(name, per_second / 1e6, "M incr/s")
        } else {
            outcome.figure(name, per_second / 1e6, "M incr/s")
        };
    }
    Ok(outcome.notice(
        "one lock or one atomic is one cache line every core fights over: past one thread it \
         stops scaling; sharded and approximate counts keep each thread on its own line",
    ))
}

/// The `approximate` variant: the threshold sweep.
fn run_sweep(config: &RunConfig) -> anyhow::Result<Outcome> {
    let threads = config.threads;
    let each = config.pick(8_000_000, 40_000_000) / threads as u64;
    let mut table = TableData::new(
        format!(
            "approximate counter, {threads} threads × {} increments, reads sampled under load",
            common::format::count(each)
        ),
        &[
            "threshold S",
            "M incr/s",
            "reads",
            "worst miss",
            "mean miss",
            "bound T×(S−1)",
            "miss after stop",
        ],
    );
    let mut ok = true;
    let mut outcome = config.outcome(Verdict::Showed);
    for threshold in [1, 16, 256, 4096] {
        let s = sample_error(threads, each, threshold)?;
        ok &= s.worst <= s.bound
            && s.quiescent_miss <= s.bound
            && s.never_ahead
            && s.exact_after_flush;
        table.row([
            common::format::count(threshold),
            mops(s.per_second),
            common::format::count(s.reads),
            common::format::count(s.worst),
            format!("{:.1}", s.mean),
            common::format::count(s.bound),
            common::format::count(s.quiescent_miss),
        ]);
        outcome = outcome.count(format!("worst miss at S={threshold}"), s.worst, "counts");
        if threshold == 4096 {
            outcome = outcome.key_figure("M incr/s at S=4096", s.per_second / 1e6, "M incr/s");
        }
    }
    outcome.verdict = Verdict::from(ok);
    Ok(outcome
        .table(table)
        .line(format!(
            "every read stayed within its bound, never ran ahead of the increments done, and the \
             flush made the count exact: {}",
            if ok { "yes" } else { "NO" }
        ))
        .notice(
            "a larger threshold buys throughput with accuracy: a read can miss up to S − 1 \
             counts per thread, and the misses measured grow with S",
        ))
}
