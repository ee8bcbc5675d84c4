//! What each fix of the lost update costs: nanoseconds per increment, with no pauses, the four
//! methods of `lost-updates` side by side.
//!
//! The book times only its lock (example2 and example3). Here every method counts the same
//! increments on the same threads, started together behind a barrier, and the cost is the wall
//! time divided by all increments (the median of several runs):
//!
//! - `load + store` (the race): fast, and wrong — without pauses the threads still overwrite each
//!   other's counts; the table says how many it kept;
//! - `fetch_add`: one atomic instruction, but every thread fights for the same cache line;
//! - `Mutex`: a lock and an unlock around each increment; contended, threads may sleep;
//! - per-thread sums: no sharing at all until the join — the cheapest by far.
//!
//! The lesson: correctness first (three of four are correct), then cost — and the cheapest
//! correct answer is to not share the counter while counting.
//!
//! Run: `cargo run -p chapter-14 -- run increment-cost [--threads N]` (default 4 threads).
//! Expect: per-thread below 1 ns; fetch_add a few to tens of ns; the mutex tens of ns or more.
//! Figures vary with the machine and its load; the order rarely does. The verdict rests on the
//! counts alone, which no load can change: every run of every fix counts exactly. The times are
//! figures, and so is what the race counted (fewer, unless the threads never overlapped).

use std::sync::{Arc, Barrier};
use std::time::Instant;

use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Variants, Verdict};

use crate::counter::{Counter, Method};

common::variants! {
    /// The example's one variant: the four methods are measured side by side.
    pub enum Costs {
        /// Every method of `lost-updates`, timed without pauses.
        Timed = "timed": "the four methods side by side, median of several runs",
    }
}

/// Threads used when `lost-updates` reports its own cost figure.
pub const COST_THREADS: usize = 4;

/// The measured cost of one method.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// The method measured.
    pub method: Method,
    /// Threads counting at once.
    pub threads: usize,
    /// Increments each thread made.
    pub increments_per_thread: u64,
    /// Median over the runs of wall time / all increments, in nanoseconds.
    pub ns_per_increment: f64,
    /// The count every run should reach.
    pub expected: u64,
    /// The count the median run reached (less than expected only for the race).
    pub actual: u64,
    /// The smallest count any run reached: `expected` when every run counted exactly.
    pub fewest: u64,
}

impl Cost {
    /// Whether every run reached the expected count.
    pub fn always_exact(&self) -> bool {
        self.fewest == self.expected
    }
}

/// Measures `method`: `runs` runs (at least one) of `threads` threads each making
/// `increments_per_thread` increments without pauses, all released together by a barrier.
pub fn measure(
    method: Method,
    threads: usize,
    increments_per_thread: u64,
    runs: usize,
) -> anyhow::Result<Cost> {
    let mut samples: Vec<(f64, u64)> = Vec::new();
    for _ in 0..runs.max(1) {
        let counter = Arc::new(Counter::new());
        let gate = Arc::new(Barrier::new(threads));
        let workers = (0..threads)
            .map(|i| {
                let (counter, gate) = (Arc::clone(&counter), Arc::clone(&gate));
                worker(format!("counter {i}"), move |ctx: &WorkerCtx| {
                    gate.wait();
                    let started = Instant::now();
                    let kept = counter.update(method, increments_per_thread, || {});
                    let ended = Instant::now();
                    ctx.progress();
                    (kept, started, ended)
                })
            })
            .collect();
        let budget = std::time::Duration::from_secs(20);
        let report = Watchdog::new(budget).stall_after(budget).run(workers);
        anyhow::ensure!(
            report.ending == Ending::Finished && report.panics().is_empty(),
            "the counting threads did not all finish: {}",
            report.describe_ending()
        );
        let results: Vec<&(u64, Instant, Instant)> =
            report.results().into_iter().flatten().collect();
        let first = results.iter().map(|r| r.1).min();
        let last = results.iter().map(|r| r.2).max();
        let (Some(first), Some(last)) = (first, last) else {
            anyhow::bail!("no thread reported its times");
        };
        let kept: Vec<u64> = results.iter().map(|r| r.0).collect();
        let all = (threads as u64 * increments_per_thread).max(1);
        let ns = last.duration_since(first).as_secs_f64() * 1e9 / all as f64;
        samples.push((ns, counter.total(method, &kept)));
    }
    let fewest = samples.iter().map(|s| s.1).min().unwrap_or_default();
    samples.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ns_per_increment, actual) = samples[samples.len() / 2];
    Ok(Cost {
        method,
        threads,
        increments_per_thread,
        ns_per_increment,
        expected: threads as u64 * increments_per_thread,
        actual,
        fewest,
    })
}

/// Runs the example: the four methods' costs in one table.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Costs::Timed = config.variant_of()?;
    // The same total work whatever --threads says, so the run time stays about the same.
    let increments = config.pick(800_000, 8_000_000) / config.threads as u64;
    let runs = config.pick(3, 7);
    let costs = Method::CASES
        .iter()
        .map(|&m| measure(m, config.threads, increments, runs))
        .collect::<anyhow::Result<Vec<Cost>>>()?;

    let fetch_add = costs
        .iter()
        .find(|c| c.method == Method::FetchAdd)
        .map_or(f64::NAN, |c| c.ns_per_increment);
    let mut table = TableData::new(
        format!(
            "{} threads × {} increments, no pauses, median of {runs} runs",
            config.threads,
            common::format::count(increments)
        ),
        &[
            "method",
            "one increment",
            "counted",
            "correct",
            "ns / increment",
            "vs fetch_add",
        ],
    );
    for cost in &costs {
        table.row([
            cost.method.to_string(),
            cost.method.code().replace("pause(); ", "").to_string(),
            format!(
                "{} of {}",
                common::format::count(cost.actual),
                common::format::count(cost.expected)
            ),
            common::format::yes_no(cost.always_exact()).to_string(),
            format!("{:.2}", cost.ns_per_increment),
            common::format::ratio(cost.ns_per_increment / fetch_add),
        ]);
    }

    let get = |m: Method| costs.iter().find(|c| c.method == m);
    let (Some(racy), Some(mutex)) = (get(Method::LoadStore), get(Method::Mutex)) else {
        anyhow::bail!("a method was not measured");
    };
    // The verdict is the counts, not the clock: every run of every fix counted exactly, which
    // atomicity and mutual exclusion guarantee under any load. Which fix is cheapest is what
    // the times say on this machine, this run: figures, for the reader to weigh.
    let showed = costs.iter().all(|c| match c.method {
        // What the race counted depends on the schedule: a figure, not the lesson.
        Method::LoadStore => true,
        Method::FetchAdd | Method::Mutex | Method::PerThread => c.always_exact(),
    });
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .table(table)
        .key_figure("mutex / fetch_add", mutex.ns_per_increment / fetch_add, "x");
    for cost in &costs {
        outcome = outcome.figure(
            format!("{} ns per increment", cost.method),
            cost.ns_per_increment,
            "ns",
        );
    }
    Ok(outcome
        .count("broken counted", racy.actual, "increments")
        .count("expected", racy.expected, "increments")
        .notice(
            "correct first, then cheap: the cheapest correct counter is one nobody shares until the join",
        ))
}
