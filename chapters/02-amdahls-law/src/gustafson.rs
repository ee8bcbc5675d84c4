//! Gustafson's law, measured: when the parallel part grows with the workers, the speedup keeps
//! growing too.
//!
//! Amdahl fixes the job and adds workers; Gustafson fixes the time and grows the job: n workers
//! get n times the parallel work, while the serial part stays the same. If `s` is the serial
//! share of the time on n workers, one worker would take `s + (1 - s) n` times as long, so the
//! *scaled* speedup is `n - s (n - 1)`, with no ceiling at `1 / s`.
//!
//! Here job n is `serial` units plus `n × per_worker` units. Each is timed on one worker and on n
//! workers (median of 3 each; one run each with `--quick`), and the measured scaled speedup (the ratio) is shown beside
//! Gustafson's prediction and, for contrast, Amdahl's prediction for the same serial fraction.
//! Variants `serial-0.1` and `serial-0.5` set `s`. Worker counts above the machine's cores
//! oversubscribe it and are marked. The outcome carries the chart `chapter-2-gustafson-<variant>`
//! (measured scaled speedup, Gustafson's prediction for n processors and for this machine's cores,
//! Amdahl's for contrast) for `cargo xtask bench`. Measured figures are reported, never asserted. Not in the
//! book's code (its chapter 2 mentions Gustafson in the text only). Run:
//! `cargo run --release -p chapter-2 -- run gustafson --variant serial-0.1 --threads 4`.

use common::format;
use common::timing::{self, human};
use common::{Outcome, Plot, RunConfig, TableData, Verdict};

use crate::amdahl::{cores, runs};
use crate::workload::Job;

common::variants! {
    /// The serial share of the time on n workers.
    pub enum Serial {
        /// 10 % serial.
        Tenth = "serial-0.1": "10 % of the time on n workers is serial",
        /// 50 % serial.
        Half = "serial-0.5": "50 % of the time on n workers is serial",
    }
}

impl Serial {
    /// The serial fraction `s`, as the variant's name says.
    pub fn fraction(self) -> f64 {
        match self {
            Self::Tenth => 0.1,
            Self::Half => 0.5,
        }
    }
}

/// One worker count: the scaled job, its two times, the measured and predicted speedups.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledCell {
    /// Workers (threads).
    pub workers: usize,
    /// The job for this many workers.
    pub job: Job,
    /// Median time on one worker.
    pub one_worker: std::time::Duration,
    /// Median time on `workers` workers.
    pub n_workers: std::time::Duration,
    /// `one_worker / n_workers`.
    pub scaled_speedup: f64,
    /// The scaled speedup of the slowest and the fastest n-worker run over the one-worker median.
    pub spread: (f64, f64),
    /// How many runs each time is the median of.
    pub runs: usize,
    /// Gustafson's prediction for `workers` processors.
    pub gustafson: f64,
    /// Gustafson's prediction with no more processors than the machine's cores.
    pub gustafson_here: f64,
    /// Amdahl's prediction for the same serial fraction and workers (a fixed-size job).
    pub amdahl: f64,
}

/// The job for `workers` workers: `serial` units, plus `per_worker` units for each worker.
pub fn scaled_job(serial: u64, per_worker: u64, workers: usize) -> Job {
    Job {
        serial,
        parallel: per_worker * workers as u64,
    }
}

/// Measures the scaled speedup on 1..=`max_workers` workers for a serial share `s` of the time
/// on n workers, with `per_worker` parallel units for each worker.
/// Fails if the n-worker runs computed a different checksum from the one-worker runs.
pub fn sweep(
    s: f64,
    per_worker: u64,
    max_workers: usize,
    runs: usize,
) -> anyhow::Result<Vec<ScaledCell>> {
    let s = s.clamp(0.0, 0.99);
    // s = serial / (serial + per_worker) on n workers.
    let serial = (per_worker as f64 * s / (1.0 - s)).round() as u64;
    let cores = cores();
    (1..=max_workers.max(1))
        .map(|workers| {
            let job = scaled_job(serial, per_worker, workers);
            let mut results = std::collections::BTreeSet::new();
            let one_runs = timing::spread_of(runs, || {
                results.insert(job.run(1));
            });
            // On one worker both columns are the same run: measure it once.
            let n_runs = if workers == 1 {
                one_runs
            } else {
                timing::spread_of(runs, || {
                    results.insert(job.run(workers));
                })
            };
            let (one_worker, n_workers) = (one_runs.median, n_runs.median);
            anyhow::ensure!(
                results.len() == 1,
                "job for {workers} workers computed different checksums: {results:?}"
            );
            Ok(ScaledCell {
                workers,
                job,
                one_worker,
                n_workers,
                scaled_speedup: timing::speedup(one_worker, n_workers),
                spread: n_runs.speedups_over(one_worker),
                runs: n_runs.runs,
                gustafson: timing::gustafson(s, workers),
                gustafson_here: scaled_prediction_here(serial, per_worker, workers, cores),
                amdahl: timing::amdahl(s, workers),
            })
        })
        .collect()
}

/// What the scaled job can gain on `cores` cores: one worker takes `serial + n p`; n workers on
/// `min(n, cores)` cores take `serial + n p / min(n, cores)`.
pub fn scaled_prediction_here(serial: u64, per_worker: u64, workers: usize, cores: usize) -> f64 {
    let (serial, p, n) = (serial as f64, per_worker as f64, workers.max(1) as f64);
    let processors = workers.min(cores).max(1) as f64;
    (serial + n * p) / (serial + n * p / processors)
}

/// The chart of a Gustafson sweep, id `chapter-2-gustafson-<variant>`: the measured scaled
/// speedup against workers (with the spread of its runs), Gustafson's prediction (n
/// processors, and this machine's `cores`, which are marked) and Amdahl's for the same serial
/// fraction.
pub fn plot(serial: Serial, cores: usize, cells: &[ScaledCell]) -> Plot {
    let s = serial.fraction();
    let points = |f: fn(&ScaledCell) -> f64| -> Vec<(f64, f64)> {
        cells.iter().map(|c| (c.workers as f64, f(c))).collect()
    };
    let measured = "measured scaled speedup";
    let plot = Plot::new(
        format!("chapter-2-gustafson-{serial}"),
        format!(
            "Gustafson's law, {:.0} % serial: measured vs predicted",
            s * 100.0
        ),
        "workers (threads)",
        "scaled speedup (x)",
    )
    .cores_marker(cores);
    let plot = match cells.iter().map(|c| c.runs).min().unwrap_or(0) {
        0 | 1 => plot
            .subtitle("one run a point")
            .measured(measured, points(|c| c.scaled_speedup)),
        runs => plot
            .subtitle(format!(
                "each point the median of {runs} runs, its error bar the slowest to the fastest \
                 n-worker run over the one-worker median"
            ))
            .measured_with_spread(
                measured,
                points(|c| c.scaled_speedup),
                cells.iter().map(|c| c.spread).collect(),
                format!("slowest to fastest of {runs} runs"),
            ),
    };
    plot.predicted(
        format!("Gustafson, s = {s}: n processors"),
        points(|c| c.gustafson),
    )
    .predicted(
        format!("Gustafson, s = {s}: {cores} cores"),
        points(|c| c.gustafson_here),
    )
    .predicted(
        format!("Amdahl, s = {s} (fixed size)"),
        points(|c| c.amdahl),
    )
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let serial = config.variant_of::<Serial>()?;
    let s = serial.fraction();
    let per_worker = config.pick(2_000, 15_000);
    let cells = sweep(s, per_worker, config.threads, runs(config))?;
    let cores = cores();
    let mut table = TableData::new(
        format!(
            "Gustafson's law: {} parallel units per worker plus a fixed serial part ({:.0} % of the time on n workers)",
            format::count(per_worker),
            s * 100.0
        ),
        &[
            "workers",
            "job (units)",
            "1 worker",
            "n workers",
            "scaled speedup",
            "Gustafson: n processors",
            format!("Gustafson: {cores} cores").as_str(),
            "Amdahl (fixed size)",
        ],
    );
    for c in &cells {
        let oversubscribed = if c.workers > cores {
            " (oversubscribed)"
        } else {
            ""
        };
        table.row([
            format!("{}{oversubscribed}", c.workers),
            format!(
                "{} + {}",
                format::count(c.job.serial),
                format::count(c.job.parallel)
            ),
            human(c.one_worker),
            human(c.n_workers),
            format::ratio(c.scaled_speedup),
            format::ratio(c.gustafson),
            format::ratio(c.gustafson_here),
            format::ratio(c.amdahl),
        ]);
    }
    let last = cells.last().ok_or_else(|| anyhow::anyhow!("empty sweep"))?;
    // Reported, not judged: did any measured speedup beat Gustafson's prediction for as many
    // processors as workers by more than noise? (On a busy machine more threads win a larger
    // share of the cores, so the cores' column is no bound there.) The verdict rests on the runs
    // completing; a busy machine can skew any measurement.
    let held = cells.iter().all(|c| c.scaled_speedup <= c.gustafson * 1.25);
    let mut outcome = config.outcome(Verdict::Showed)
        .table(table)
        .plot(plot(serial, cores, &cells))
        .key_figure(
            format!("scaled speedup on {} workers", last.workers),
            last.scaled_speedup,
            "x",
        )
        .figure(
            format!("Gustafson's prediction on {} workers", last.workers),
            last.gustafson,
            "x",
        )
        .figure(
            format!("Amdahl's prediction on {} workers", last.workers),
            last.amdahl,
            "x",
        )
        .line(format!(
            "Amdahl's bound for s = {s}: {}; Gustafson's scaled speedup has none: {} on 100 workers",
            crate::amdahl_report::format_bound(if s > 0.0 { 1.0 / s } else { f64::INFINITY }),
            format::ratio(timing::gustafson(s, 100))
        ));
    outcome = outcome.line(if held {
        "every measured scaled speedup stayed within Gustafson's prediction"
    } else {
        "some measured speedup beat Gustafson's prediction by more than 25 %: timer noise or a busy machine; run again on an idle machine"
    });
    if last.workers > cores {
        outcome = outcome.line(format!(
            "this machine has {cores} cores: beyond {cores} workers the measured speedup stays near the {cores}-core column"
        ));
    }
    Ok(outcome.notice(
        "grow the job with the workers and the serial part shrinks as a share of the work: the speedup keeps climbing",
    ))
}
