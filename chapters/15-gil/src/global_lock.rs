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
//! The verdict rests on counted facts: every step ran, and (for `gil`) no two threads ever held
//! the GIL at once — a counter of holders kept apart from the lock itself, checked at every take.
//! Times are medians on a shared machine: the shape (flat vs falling) is the lesson, not the digits.
//!
//! Run: `cargo run --release -p chapter-15 -- run global-lock --threads 4` (the table goes 1..4).
//! Book: chapter 15, "The effect of the GIL" and "Why the GIL is still around".

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use common::timing::{human, median_of, speedup};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::gil::{Gil, GilStats, GilThread};

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
            let time = median_of(runs, || {
                all &= split_run(total, threads, gil.as_ref()) == total
            });
            ScalingRow {
                threads,
                time,
                all_steps_ran: all,
                gil: gil.map(|g| g.stats()),
            }
        })
        .collect()
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let with_gil = config.variant == "gil";
    let total = config.pick(20_000_000, 100_000_000);
    let runs = config.pick(3, 5);
    let rows = scaling(total, config.threads, with_gil, runs);
    let base = rows.first().map_or(Duration::ZERO, |r| r.time);

    let title = if with_gil {
        format!("{total} steps under one modelled GIL (5 ms switch interval), median of {runs}")
    } else {
        format!("{total} steps, no global lock, median of {runs}")
    };
    let mut header = vec!["threads", "time", "speedup vs 1 thread"];
    if with_gil {
        header.extend(["GIL switches", "overlaps"]);
    }
    let mut table = TableData::new(title, &header);
    for row in &rows {
        let mut cells = vec![
            row.threads.to_string(),
            human(row.time),
            format!("{:.2}x", speedup(base, row.time)),
        ];
        if let Some(stats) = row.gil {
            cells.extend([stats.switches.to_string(), stats.overlaps.to_string()]);
        }
        table.row(cells);
    }

    let all_ran = rows.iter().all(|r| r.all_steps_ran);
    let overlaps: u64 = rows.iter().filter_map(|r| r.gil).map(|s| s.overlaps).sum();
    let switches: u64 = rows.iter().filter_map(|r| r.gil).map(|s| s.switches).sum();
    let mut outcome = Outcome::new(
        "global-lock",
        config.variant,
        Verdict::from(all_ran && overlaps == 0),
    )
    .table(table)
    .figure("one-thread time", base.as_secs_f64(), "s");
    for row in rows.iter().filter(|r| r.threads > 1) {
        let name = format!("speedup with {} threads", row.threads);
        let value = speedup(base, row.time);
        outcome = if row.threads == 2 {
            outcome.key_figure(name, value, "x")
        } else {
            outcome.figure(name, value, "x")
        };
    }
    outcome = outcome.line(format!(
        "Every run ran all {total} steps: {all_ran}. Cores available: {}.",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    ));
    // Timings on a shared machine scatter: say so when this run's contradict the shape.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
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
            "This run's times do not show the shape (best speedup {best:.2}x): other work on this machine disturbed them. \
             The counts are what the verdict rests on; a full run (without --quick) times more steps."
        ));
    }
    Ok(if with_gil {
        outcome
            .figure("GIL switches", switches as f64, "switches")
            .figure("GIL overlaps", overlaps as f64, "overlaps")
            .line(format!(
                "The GIL changed hands {switches} times over all rows, and was never held by two threads at once ({overlaps} overlaps, counted at every take)."
            ))
            .notice("one lock for every step: however many threads, one step runs at a time, so the speedup stays near 1x")
    } else {
        outcome.notice(
            "no global lock: the time falls with threads up to the core count, then flattens",
        )
    })
}

#[cfg(all(test, not(feature = "shuttle")))]
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
