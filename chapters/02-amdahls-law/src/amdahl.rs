//! Amdahl's law, measured: the same job on 1, 2, … N workers, its measured speedup beside the
//! speedup Amdahl's law predicts, and the efficiency (speedup per worker).
//!
//! Amdahl's law: if a fraction `s` of a job must run serially, `n` workers can at best cut its
//! time to `s + (1 - s) / n`, so the speedup is at most `1 / (s + (1 - s) / n)`, and never more
//! than `1 / s` however many workers are added: a job that is 10 % serial never runs more than
//! 10 times faster.
//!
//! Variants:
//! - `book-sweep` mirrors the book's `Chapter02/example1.py`: the primality of the 1,000 integers
//!   from 10^13 (34 primes), on 1..N workers. The book needs a `ProcessPoolExecutor` because
//!   CPython's GIL lets one thread run Python at a time; Rust threads need no process pool: each
//!   runs on its own core. The book saw 1.24 s with 1 worker and 0.66 s with 2 (speedup 1.9).
//! - `serial-0`, `serial-0.1`, `serial-0.5`: the tunable job of [`crate::workload`], 0 %, 10 %
//!   and 50 % serial (the shared command line has no `--serial` flag, so the fraction is the
//!   variant).
//!
//! `--threads N` (default 4) is the largest worker count of the sweep. Worker counts above the
//! machine's cores oversubscribe them: they are measured anyway and marked, and the table shows
//! Amdahl's prediction both for N processors and for the cores there really are. Every cell is the
//! median of 3 runs (one run with `--quick`: the tour shows the shape, a full run measures it).
//! The outcome carries a chart of the sweep (`chapter-2-amdahl-<variant>`: measured speedup,
//! Amdahl's prediction for n processors and for this machine's cores), which `cargo xtask bench`
//! draws as an SVG. Run:
//! `cargo run --release -p chapter-2 -- run amdahl --variant serial-0.1 --threads 4`.
//! Expect the measured speedup to follow the prediction up to the core count and then go flat;
//! measured figures are reported, never asserted.

use common::{Outcome, RunConfig, Verdict};
use common::{format, timing};

use crate::amdahl_report::worker_table;
pub use crate::amdahl_report::{Cell, Sweep, format_bound};
use crate::primes::{self, BOOK_COUNT, BOOK_PRIMES};
use crate::split::{Split, split_count};
use crate::workload::Job;

/// How many runs each cell takes the median of in a full run.
pub const RUNS: usize = 3;

/// How many runs each cell takes with `--quick`: one. The tour shows the sweep's shape in a few
/// seconds; a full run takes the median of [`RUNS`].
pub const QUICK_RUNS: usize = 1;

/// The runs per cell for `config`: [`QUICK_RUNS`] quick, [`RUNS`] in full.
pub fn runs(config: &RunConfig) -> usize {
    config.pick(QUICK_RUNS, RUNS)
}

common::variants! {
    /// What the sweep runs: the book's prime check, or the tunable job at one serial fraction.
    pub enum Sweeps {
        /// The book's example1, on threads.
        BookSweep = "book-sweep": "the book's example1: is_prime over the 1,000 integers from 10^13, on threads instead of processes",
        /// The tunable job, nothing serial.
        Serial0 = "serial-0": "a job with no serial part: the speedup can grow with every core",
        /// The tunable job, 10 % serial.
        Serial10 = "serial-0.1": "10 % serial: at most 10x, however many workers",
        /// The tunable job, 50 % serial.
        Serial50 = "serial-0.5": "50 % serial: at most 2x",
    }
}

impl Sweeps {
    /// The serial fraction of the tunable job, as its variant's name says; `None` for the
    /// book's sweep, which is not tunable.
    pub fn serial_fraction(self) -> Option<f64> {
        match self {
            Self::BookSweep => None,
            Self::Serial0 => Some(0.0),
            Self::Serial10 => Some(0.1),
            Self::Serial50 => Some(0.5),
        }
    }
}

/// What the sweep runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Workload {
    /// The book's primality test over the first `count` integers from 10^13.
    BookSweep {
        /// How many integers (the book: 1,000).
        count: u64,
    },
    /// The tunable job.
    Tunable(Job),
}

impl Workload {
    /// The workload `sweeps` names, full or quick-sized.
    pub fn of(sweeps: Sweeps, quick: bool) -> Self {
        match sweeps.serial_fraction() {
            // The book's 1,000 integers take about 0.1 s on one thread: quick runs do them all.
            None => Self::BookSweep { count: BOOK_COUNT },
            Some(serial) => {
                // A unit is a few microseconds: about 0.06 s on one worker quick, 0.4 s in full.
                let units = if quick { 15_000 } else { 100_000 };
                Self::Tunable(Job::with_serial_fraction(units, serial))
            }
        }
    }

    /// The serial fraction Amdahl's law is given: 0 for the book's sweep (every integer is
    /// independent work), the job's own for the tunable one.
    pub fn serial_fraction(&self) -> f64 {
        match self {
            Self::BookSweep { .. } => 0.0,
            Self::Tunable(job) => job.serial_fraction(),
        }
    }

    /// Runs it once on `workers` workers; returns its result (primes found, or the checksum) and
    /// the per-worker split of its parallel part.
    pub fn run(&self, workers: usize) -> (usize, Option<Split>) {
        match self {
            Self::BookSweep { count } => {
                let split = split_count(primes::book_range(*count), workers, &primes::is_prime);
                (split.hits, Some(split))
            }
            Self::Tunable(job) => (job.run(workers), None),
        }
    }
}

/// The machine's cores, as the standard library sees them.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs `workload` on 1..=`max_workers` workers, `runs` times each, and checks that every run
/// got the same result (the first run's: no separate reference run, which would cost a whole
/// one-worker run more).
pub fn sweep(workload: &Workload, max_workers: usize, runs: usize) -> anyhow::Result<Sweep> {
    let serial = workload.serial_fraction();
    let cores = cores();
    let max_workers = max_workers.max(1);
    let split_at = max_workers.min(cores).max(1);
    let mut result = None;
    let mut split = None;
    let mut cells: Vec<Cell> = Vec::new();
    for workers in 1..=max_workers {
        let mut wrong = None;
        let timed = timing::spread_of(runs, || {
            let (got, chunks) = workload.run(workers);
            match result {
                None => result = Some(got),
                Some(first) if first != got => wrong = Some((first, got)),
                Some(_) => {}
            }
            if workers == split_at {
                split = chunks;
            }
        });
        if let Some((first, got)) = wrong {
            anyhow::bail!("{workers} workers found {got}, the first run found {first}");
        }
        let time = timed.median;
        let one = cells.first().map_or(time, |one| one.time);
        let speedup = if cells.is_empty() {
            1.0
        } else {
            timing::speedup(one, time)
        };
        cells.push(Cell {
            workers,
            time,
            speedup,
            spread: timed.speedups_over(one),
            predicted: timing::amdahl(serial, workers),
            predicted_here: timing::amdahl(serial, workers.min(cores)),
            efficiency: timing::efficiency(speedup, workers),
        });
    }
    Ok(Sweep {
        serial,
        cores,
        cells,
        result: result.unwrap_or(0),
        runs: runs.max(1),
        split,
    })
}

/// Runs the example: the sweep, the table, and for the book's sweep each worker's chunk.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let sweeps = config.variant_of::<Sweeps>()?;
    let workload = Workload::of(sweeps, config.quick);
    let sweep = sweep(&workload, config.threads, runs(config))?;
    let mut outcome = outcome_for(config, &workload, &sweep)?
        .plot(sweep.plot(plot_id(sweeps), plot_title(&workload, &sweep)));
    if let Workload::BookSweep { count } = workload {
        if let Some(split) = &sweep.split {
            outcome = outcome.table(worker_table(split, split.workers.len()));
        }
        if count == BOOK_COUNT {
            anyhow::ensure!(
                sweep.result == BOOK_PRIMES,
                "found {} primes, the book has {BOOK_PRIMES}",
                sweep.result
            );
        }
        outcome = outcome
            .line(format!(
                "{} primes among the {count} integers from 10^13{}",
                sweep.result,
                if count == BOOK_COUNT {
                    " (the book: 34)"
                } else {
                    " (quick: the book's first integers; run without --quick for all 1,000)"
                }
            ))
            .line(
                "the book: 1.24 s on 1 worker, 0.66 s on 2 (a process pool: CPython's GIL lets one thread run at a time); here each worker is a thread",
            );
    }
    Ok(outcome)
}

/// The id of the chart of a sweep: `chapter-2-amdahl-<variant>`.
pub fn plot_id(sweeps: Sweeps) -> String {
    format!("chapter-2-amdahl-{sweeps}")
}

/// The caption of the chart of a sweep.
pub fn plot_title(workload: &Workload, sweep: &Sweep) -> String {
    match workload {
        Workload::BookSweep { .. } => {
            "The book's prime sweep: speedup against Amdahl's law".to_string()
        }
        Workload::Tunable(_) => format!(
            "Amdahl's law, {:.0} % serial: measured vs predicted speedup",
            sweep.serial * 100.0
        ),
    }
}

/// The common outcome of a sweep: table, figures, narrative and verdict.
pub fn outcome_for(
    config: &RunConfig,
    workload: &Workload,
    sweep: &Sweep,
) -> anyhow::Result<Outcome> {
    let last = sweep
        .cells
        .last()
        .ok_or_else(|| anyhow::anyhow!("empty sweep"))?;
    let what = match workload {
        Workload::BookSweep { count } => {
            format!("is_prime over {count} integers from 10^13, all parallel")
        }
        Workload::Tunable(job) => format!(
            "{} units, {} serial ({:.0} %)",
            format::count(job.serial + job.parallel),
            format::count(job.serial),
            sweep.serial * 100.0
        ),
    };
    // The verdict rests on what is guaranteed: every worker count computed the same result (else
    // `sweep` failed). Speedups are measurements: reported and compared, never judged, since a
    // busy machine can skew any of them.
    let mut outcome = config.outcome(Verdict::Showed)
    .table(sweep.table(format!("Amdahl's law: {what}")))
    .key_figure(
        format!("speedup on {} workers", last.workers),
        last.speedup,
        "x",
    )
    .figure(
        format!("Amdahl's prediction on {} workers", last.workers),
        last.predicted_here,
        "x",
    )
    .duration("time on 1 worker", sweep.cells[0].time)
    .duration(format!("time on {} workers", last.workers), last.time)
    .figure("serial fraction", sweep.serial, "")
    .line(format!(
        "bound as workers → ∞: {} (1 / serial fraction)",
        format_bound(sweep.bound())
    ))
    .line(if sweep.within_the_law() {
        "every measured speedup stayed within Amdahl's prediction for as many processors as workers".to_string()
    } else {
        "some measured speedup beat Amdahl's prediction by more than 25 %: timer noise or a busy machine (the one-worker baseline ran slow); run again on an idle machine".to_string()
    });
    if last.workers > sweep.cores {
        outcome = outcome.line(format!(
            "this machine has {} cores: {}..{} workers oversubscribe them, so the speedup flattens at about Amdahl's {} for {}",
            sweep.cores,
            sweep.cores + 1,
            last.workers,
            format::ratio(timing::amdahl(sweep.serial, sweep.cores)),
            format::counted(sweep.cores, "processors")
        ));
    }
    Ok(outcome.notice(
        "the serial part caps the speedup: past the core count more threads add nothing, and even with unlimited cores the bound is 1/s",
    ))
}
