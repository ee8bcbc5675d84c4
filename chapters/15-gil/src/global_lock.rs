//! An interpreter loop under one global lock, against the same loop with none: how CPU-bound
//! threads scale (or don't) from 1 to N.
//!
//! Each thread runs "bytecode steps": one step is a few arithmetic operations (a step of a
//! linear congruential generator, kept real with `black_box`). A fixed total of steps is split
//! over 1, 2, ... N threads.
//!
//! - `gil`: every step must be run while holding the chapter's modelled GIL (`gil.rs`): the
//!   holder checks for a drop request after each step, a waiter asks for one after CPython's 5 ms
//!   switch interval, and the lock is handed over. Adding threads adds no speed: the table stays
//!   flat (a little worse, for the handoffs), whatever the core count.
//! - `free`: the same steps, no global lock. On 2 cores, 2 threads take about half the time;
//!   more threads than cores add nothing more.
//!
//! A full run of `gil` (without `--quick`) also times the free loop at every thread count,
//! taking turns with the GIL loop so that other work on the machine slows both alike, and
//! attaches a chart (`chapter-15-global-lock`: million steps per second by threads, one line per
//! loop and the ideal line) that `cargo xtask bench` draws: the GIL line lies flat while the free
//! line climbs to the core count. The `free` variant alone attaches none (its line is in that
//! chart already).
//!
//! The verdict rests on counted facts: every step ran, and (for `gil`) no two threads ever held
//! the GIL at once — a counter of holders kept apart from the lock itself, checked at every take.
//! Times are medians on a shared machine: the shape (flat vs falling) is the lesson, not the digits.
//!
//! Run: `cargo run --release -p chapter-15 -- run global-lock --threads 4` (the table goes 1..4);
//! the chart: `chapter-15 run global-lock --variant gil --threads 4 --json`.
//! Book: chapter 15, "The effect of the GIL" and "Why the GIL is still around".

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use common::timing::{Spread, human, speedup, spread_of, time};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::gil::{Gil, GilStats, GilThread};

mod chart;

pub use chart::{PLOT_ID, scaling_plot};

common::variants! {
    /// Whether the steps need the global lock.
    pub enum Lock {
        /// Every step under the modelled GIL.
        Gil = "gil": "every step under the modelled GIL (5 ms switch interval): flat",
        /// The same steps, no lock.
        Free = "free": "the same steps with no global lock: faster up to the core count",
    }
}

/// One bytecode step: advance a generator's state (a multiply and an add).
#[inline(always)]
pub fn step(state: u64) -> u64 {
    black_box(state)
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
}

/// Runs `steps` steps with no lock; returns (steps run, final state).
#[inline(never)]
pub fn run_free(steps: u64, seed: u64) -> (u64, u64) {
    let mut state = seed;
    let mut done = 0;
    while done < steps {
        state = step(state);
        done += 1;
    }
    (done, state)
}

/// Runs `steps` steps under the GIL, one tick after each; returns (steps run, final state).
#[inline(never)]
pub fn run_gil(thread: &mut GilThread, steps: u64, seed: u64) -> (u64, u64) {
    let mut state = seed;
    let before = thread.steps();
    for _ in 0..steps {
        state = step(state);
        thread.tick();
    }
    (thread.steps() - before, state)
}

/// Splits `total` steps over `threads` threads and runs them, sharing `gil` if given. Returns the
/// steps that ran.
pub fn split_run(total: u64, threads: usize, gil: Option<&Arc<Gil>>) -> u64 {
    let n = threads.max(1) as u64;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let share = total / n + u64::from(i < total % n);
                s.spawn(move || match gil {
                    Some(gil) => run_gil(&mut GilThread::attach(gil, i as usize), share, i).0,
                    None => run_free(share, i).0,
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// One row of the scaling table.
#[derive(Debug, Clone)]
pub struct ScalingRow {
    /// Threads the steps were split over.
    pub threads: usize,
    /// Median wall time.
    pub time: Duration,
    /// The row's runs: fastest, median and slowest (the chart draws the spread).
    pub runs: Spread,
    /// Every run ran every step.
    pub all_steps_ran: bool,
    /// What the GIL counted over this row's runs (`gil` only).
    pub gil: Option<GilStats>,
}

/// Times `total` steps split over 1..=`max_threads` threads, median of `runs` per row.
pub fn scaling(total: u64, max_threads: usize, with_gil: bool, runs: usize) -> Vec<ScalingRow> {
    (1..=max_threads.max(1))
        .map(|threads| {
            let gil = with_gil.then(Gil::cpython);
            let mut all = true;
            let runs = spread_of(runs, || {
                all &= split_run(total, threads, gil.as_ref()) == total
            });
            ScalingRow {
                threads,
                time: runs.median,
                runs,
                all_steps_ran: all,
                gil: gil.map(|g| g.stats()),
            }
        })
        .collect()
}

/// Both loops side by side: at every thread count 1..=`max_threads`, `runs` rounds of "the
/// GIL loop, then the free loop". Taking turns means a burst of other work on a shared machine
/// slows both lines of the plot alike, instead of bending one of them. Returns (GIL rows, free
/// rows).
pub fn scaling_side_by_side(
    total: u64,
    max_threads: usize,
    runs: usize,
) -> (Vec<ScalingRow>, Vec<ScalingRow>) {
    let mut gil_rows = Vec::new();
    let mut free_rows = Vec::new();
    for threads in 1..=max_threads.max(1) {
        let gil = Gil::cpython();
        let (mut gil_times, mut free_times) = (Vec::new(), Vec::new());
        let (mut gil_all, mut free_all) = (true, true);
        for _ in 0..runs.max(1) {
            let (ran, took) = time(|| split_run(total, threads, Some(&gil)));
            gil_all &= ran == total;
            gil_times.push(took);
            let (ran, took) = time(|| split_run(total, threads, None));
            free_all &= ran == total;
            free_times.push(took);
        }
        let (gil_runs, free_runs) = (Spread::of(gil_times), Spread::of(free_times));
        gil_rows.push(ScalingRow {
            threads,
            time: gil_runs.median,
            runs: gil_runs,
            all_steps_ran: gil_all,
            gil: Some(gil.stats()),
        });
        free_rows.push(ScalingRow {
            threads,
            time: free_runs.median,
            runs: free_runs,
            all_steps_ran: free_all,
            gil: None,
        });
    }
    (gil_rows, free_rows)
}

/// Million steps per second for `total` steps in `time`.
pub fn million_steps_per_second(total: u64, time: Duration) -> f64 {
    total as f64 / time.as_secs_f64().max(1e-9) / 1e6
}

/// How much one run of `global-lock` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Steps in all, split over each row's threads.
    pub total: u64,
    /// Runs per row; each row reports the median.
    pub runs: usize,
    /// Time the free loop beside the GIL one at every thread count, and attach the chart
    /// ([`PLOT_ID`]): what a full run of the `gil` variant does.
    pub side_by_side: bool,
}

impl Sizes {
    /// The tour's sizes, or a full run's: 20,000,000 steps, median of 3 (full: 100,000,000,
    /// median of 5, and the `gil` variant measures both loops for the chart).
    pub fn for_config(config: &RunConfig) -> anyhow::Result<Self> {
        let side_by_side = match config.variant_of::<Lock>()? {
            Lock::Gil => !config.quick,
            Lock::Free => false,
        };
        Ok(Self {
            total: config.pick(20_000_000, 100_000_000),
            runs: config.pick(3, 5),
            side_by_side,
        })
    }
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    report(config, Sizes::for_config(config)?)
}

/// Measures `config`'s variant at 1..=`config.threads` threads with `sizes`, and reports.
pub fn report(config: &RunConfig, sizes: Sizes) -> anyhow::Result<Outcome> {
    let with_gil = match config.variant_of::<Lock>()? {
        Lock::Gil => true,
        Lock::Free => false,
    };
    let max_threads = config.threads;
    let Sizes { total, runs, .. } = sizes;
    let side_by_side = sizes.side_by_side && with_gil;
    let (rows, free_rows) = if side_by_side {
        let (gil, free) = scaling_side_by_side(total, max_threads, runs);
        (gil, Some(free))
    } else {
        (scaling(total, max_threads, with_gil, runs), None)
    };
    let base = rows.first().map_or(Duration::ZERO, |r| r.time);
    let free_base = free_rows
        .as_ref()
        .and_then(|f| f.first())
        .map_or(Duration::ZERO, |r| r.time);

    let title = match (with_gil, side_by_side) {
        (true, true) => format!(
            "{} steps under one modelled GIL (5 ms switch interval), and with no lock, \
             taking turns; median of {runs}",
            common::format::count(total)
        ),
        (true, false) => format!(
            "{} steps under one modelled GIL (5 ms switch interval), median of {runs}",
            common::format::count(total)
        ),
        (false, _) => format!(
            "{} steps, no global lock, median of {runs}",
            common::format::count(total)
        ),
    };
    let mut header = vec!["threads", "time", "speedup vs 1 thread"];
    if with_gil {
        header.extend(["GIL switches", "overlaps"]);
    }
    if side_by_side {
        header.extend(["no lock: time", "no lock: speedup"]);
    }
    let mut table = TableData::new(title, &header);
    for (i, row) in rows.iter().enumerate() {
        let mut cells = vec![
            row.threads.to_string(),
            human(row.time),
            common::format::ratio(speedup(base, row.time)),
        ];
        if let Some(stats) = row.gil {
            cells.extend([
                common::format::count(stats.switches),
                common::format::count(stats.overlaps),
            ]);
        }
        if let Some(free) = free_rows.as_ref().and_then(|f| f.get(i)) {
            cells.extend([
                human(free.time),
                common::format::ratio(speedup(free_base, free.time)),
            ]);
        }
        table.row(cells);
    }

    let all_ran = rows
        .iter()
        .chain(free_rows.iter().flatten())
        .all(|r| r.all_steps_ran);
    let overlaps: u64 = rows.iter().filter_map(|r| r.gil).map(|s| s.overlaps).sum();
    let switches: u64 = rows.iter().filter_map(|r| r.gil).map(|s| s.switches).sum();
    let mut outcome = config
        .outcome(Verdict::from(all_ran && overlaps == 0))
        .table(table)
        .duration("one-thread time", base);
    let measured = if with_gil { "GIL-modelled" } else { "no-lock" };
    for row in rows.iter().filter(|r| r.threads > 1) {
        let name = format!("{measured} speedup with {} threads", row.threads);
        let value = speedup(base, row.time);
        outcome = if row.threads == 2 {
            outcome.key_figure(name, value, "x")
        } else {
            outcome.figure(name, value, "x")
        };
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    outcome = outcome.line(format!(
        "Every run ran all {} steps: {}. Cores available: {cores}.",
        common::format::count(total),
        common::format::yes_no(all_ran)
    ));
    if let Some(free) = &free_rows {
        for f in free.iter().filter(|f| f.threads > 1) {
            outcome = outcome.figure(
                format!("no-lock speedup with {} threads", f.threads),
                speedup(free_base, f.time),
                "x",
            );
        }
        if let (Some(g), Some(f)) = (rows.last(), free.last()) {
            outcome = outcome.line(format!(
                    "Side by side at {} threads: {:.0} million steps/s under the GIL, {:.0} million with no lock.",
                    f.threads,
                    million_steps_per_second(total, g.time),
                    million_steps_per_second(total, f.time),
                ));
        }
        outcome = outcome.plot(scaling_plot(total, &rows, free, cores));
    }
    // Timings on a shared machine scatter: say so when this run's contradict the shape.
    let best = rows
        .iter()
        .map(|r| speedup(base, r.time))
        .fold(0.0, f64::max);
    let two = rows
        .iter()
        .find(|r| r.threads == 2)
        .map(|r| speedup(base, r.time));
    let contradicted = if with_gil {
        best > 1.3
    } else {
        cores >= 2 && two.is_some_and(|s| s < 1.3)
    };
    if contradicted {
        outcome = outcome.line(format!(
            "This run's times do not show the shape (best speedup {}): other work on this machine disturbed them. \
             The counts are what the verdict rests on; a full run (without --quick) times more steps.",
            common::format::ratio(best)
        ));
    }
    Ok(if with_gil {
        outcome
            .count("GIL switches", switches, "switches")
            .count("GIL overlaps", overlaps, "overlaps")
            .line(format!(
                "The GIL changed hands {} over all rows, and was never held by two threads at once ({}, counted at every take).",
                common::format::counted(switches, "times"),
                common::format::counted(overlaps, "overlaps")
            ))
            .notice("one lock for every step: however many threads, one step runs at a time, so the speedup stays near 1×")
    } else {
        outcome.notice(
            "no global lock: the time falls with threads up to the core count, then flattens",
        )
    })
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn both_loops_compute_the_same_states() {
        let gil = Gil::cpython();
        let free = run_free(1000, 3);
        let locked = run_gil(&mut GilThread::attach(&gil, 0), 1000, 3);
        assert_eq!(free, locked);
        assert_eq!(split_run(1001, 3, None), 1001);
        assert_eq!(split_run(1001, 3, Some(&gil)), 1001);
    }
}
