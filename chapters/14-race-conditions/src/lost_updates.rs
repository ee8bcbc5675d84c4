//! Lost updates: twenty threads read a shared counter, pause, and write back what they read plus
//! one — and the counter ends well short of twenty. Then three fixes, side by side.
//!
//! Mirrors the book's `Chapter14/example1.py` (the race: "Final counter: 7" of 20) and
//! `example2.py` (the same critical section under a lock: 20, but serialized). Each thread does
//! the book's read-modify-write with a pause in the middle: `seen = counter; sleep(0 or 1 s);
//! counter = seen + 1`. Every thread that reads while another is paused reads the same value,
//! and all of them write the same `seen + 1`: all but one of their updates are lost.
//!
//! In Rust the broken variant cannot be a plain `static mut` (that would be a data race:
//! undefined behaviour, and it does not compile without `unsafe`). It is a *race condition
//! without undefined behaviour*: an atomic load, then an atomic store. Each access is atomic;
//! the pair is not. That is exactly the book's bug, and the model checker can find it
//! (`tests/model_check.rs`).
//!
//! The variants, each a [`Method`] of the shared [`crate::counter`]:
//! - `broken`: atomic load, pause, atomic store (the book's example1);
//! - `fetch-add`: one atomic read-modify-write, `fetch_add(1)`: nothing to lose between the read
//!   and the write, because there is no gap (the pause comes before it);
//! - `mutex`: the book's fix (example2): read, pause and write under one lock. Correct, and the
//!   threads take turns, so the run takes the *sum* of the pauses, not the longest;
//! - `per-thread`: share nothing: each thread counts its own, and the sums are added at the join.
//!
//! The pauses are the book's `random.randint(0, 1)` seconds scaled to 0 or 10 ms (0 or 100 ms in
//! full runs). Here the sleep is the subject: it is the window in which other threads read a
//! stale value. `--seed` picks the pauses, so a run can be replayed as the book's seeded run can.
//! Each variant also reports its cost per increment, measured separately without pauses (see
//! `increment-cost` for the table).
//!
//! Run: `cargo run -p chapter-14 -- run lost-updates` (all four) or `--variant broken --seed 7`.
//! Expect: `broken` ends near half of 20 and says how many updates were lost (it *may* lose fewer
//! or, very rarely, none: a race depends on timing); the fixes end at exactly 20.

use std::sync::Arc;
use std::time::Duration;

use common::rng::SplitMix64;
use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::counter::{Counter, Method};
use crate::increment_cost;

/// The book's pauses: `random.randint(0, 1)` units for each of `threads` threads, drawn in
/// order from one generator seeded with `seed` (the book's example3 seeds with 0).
pub fn book_pauses(seed: u64, threads: usize, unit: Duration) -> Vec<Duration> {
    let mut rng = SplitMix64::new(seed);
    (0..threads)
        .map(|_| unit * u32::from(rng.below(2) == 1))
        .collect()
}

/// What one run on real threads counted.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceRun {
    /// The method the threads used.
    pub method: Method,
    /// One update per thread: the count it should reach.
    pub expected: u64,
    /// The count it reached.
    pub actual: u64,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
}

impl RaceRun {
    /// Updates that were overwritten: `expected - actual`.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.actual)
    }
}

/// Runs one thread per pause, each doing one update by `method` with its pause, under the
/// watchdog. Fails if a thread did not finish within `budget`.
pub fn run_threads(
    method: Method,
    pauses: &[Duration],
    budget: Duration,
) -> anyhow::Result<RaceRun> {
    run_threads_pausing(method, pauses, budget, std::thread::sleep)
}

/// [`run_threads`], with each thread's pause taken by `pause` (given the thread's duration)
/// instead of a plain sleep: a caller can count who pauses at once.
pub fn run_threads_pausing(
    method: Method,
    pauses: &[Duration],
    budget: Duration,
    pause: impl Fn(Duration) + Send + Sync + 'static,
) -> anyhow::Result<RaceRun> {
    let counter = Arc::new(Counter::new());
    let take_pause = Arc::new(pause);
    let workers = pauses
        .iter()
        .enumerate()
        .map(|(i, &duration)| {
            let counter = Arc::clone(&counter);
            let take_pause = Arc::clone(&take_pause);
            worker(format!("thread {i}"), move |ctx: &WorkerCtx| {
                let kept = counter.update(method, 1, || take_pause(duration));
                ctx.progress();
                kept
            })
        })
        .collect();
    // Under the mutex a thread may wait for all the others' pauses: judge by the deadline only.
    let report = Watchdog::new(budget).stall_after(budget).run(workers);
    anyhow::ensure!(
        report.panics().is_empty(),
        "a thread panicked: {}",
        report.panics().join("; ")
    );
    anyhow::ensure!(
        report.ending == Ending::Finished,
        "the threads did not all finish: {}",
        report.describe_ending()
    );
    let kept: Vec<u64> = report.results().into_iter().flatten().copied().collect();
    Ok(RaceRun {
        method,
        expected: pauses.len() as u64,
        actual: counter.total(method, &kept),
        elapsed: report.ended_after,
    })
}

/// Summarises pauses as "11 × 10 ms, 9 × 0 ms (110 ms in all)".
pub fn describe_pauses(pauses: &[Duration], unit: Duration) -> String {
    let long = pauses.iter().filter(|p| !p.is_zero()).count();
    let total: Duration = pauses.iter().sum();
    format!(
        "{long} × {}, {} × 0 ms ({} in all)",
        human(unit),
        pauses.len() - long,
        human(total)
    )
}

/// Runs one variant: the book's threads, then the method's cost per increment without pauses.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let method = config.variant_of::<Method>()?;
    let unit = config.pick(Duration::from_millis(10), Duration::from_millis(100));
    let pauses = book_pauses(config.seed, config.threads, unit);
    // Under the mutex the pauses take turns: allow for all of them on top of the budget.
    let budget = config.budget() + pauses.iter().sum::<Duration>();
    let race = run_threads(method, &pauses, budget)?;
    let longest = pauses.iter().max().copied().unwrap_or_default();
    let total: Duration = pauses.iter().sum();

    let cost = increment_cost::measure(
        method,
        increment_cost::COST_THREADS,
        config.pick(100_000, 1_000_000),
        3,
    )?;

    let shown = match method {
        Method::LoadStore => race.lost() > 0,
        Method::FetchAdd | Method::Mutex | Method::PerThread => race.actual == race.expected,
    };
    let mut outcome = config
        .outcome(Verdict::from(shown))
        .line(format!(
            "{} threads, one update each: {}",
            race.expected,
            method.code()
        ))
        .line(format!(
            "Pauses (seed {}; the sleep is the window for the race): {}",
            config.seed,
            describe_pauses(&pauses, unit)
        ))
        .line(format!(
            "Final counter: {} of {} — {} lost. Took {} (longest pause {}, all pauses {}).",
            race.actual,
            race.expected,
            common::format::counted(race.lost(), "updates"),
            human(race.elapsed),
            human(longest),
            human(total)
        ))
        .line(format!(
            "Cost per increment without pauses ({} threads, {} increments each, median of 3): {}{}",
            cost.threads,
            common::format::count(cost.increments_per_thread),
            common::format::seconds(cost.ns_per_increment * 1e-9),
            if cost.actual == cost.expected {
                String::new()
            } else {
                format!(
                    " — and it counted {} of {}",
                    common::format::count(cost.actual),
                    common::format::count(cost.expected)
                )
            }
        ))
        .count("lost updates", race.lost(), "updates")
        .as_key()
        .count("final counter", race.actual, "updates")
        .count("expected", race.expected, "updates")
        .duration("time", race.elapsed)
        .duration("sum of pauses", total)
        .figure("cost per increment", cost.ns_per_increment, "ns");
    outcome = outcome.notice(match (method, shown) {
        (Method::LoadStore, true) => {
            "each load and store is atomic, the pair is not: threads that read during another's pause write the same value"
        }
        (Method::LoadStore, false) => {
            "no update was lost this time: a race depends on timing (try another --seed)"
        }
        (Method::FetchAdd, _) => {
            "one atomic read-modify-write leaves no gap to race in; the pauses still overlap"
        }
        (Method::Mutex, _) => {
            "correct, but the lock serializes the pauses: the run takes their sum (the book's example2)"
        }
        (Method::PerThread, _) => {
            "nothing shared, nothing to race on: combine the per-thread sums once, at the join"
        }
    });
    Ok(outcome)
}
