//! The results of an `amdahl` sweep and how they are shown: each worker count's measured and
//! predicted speedup, the table and the chart of the whole sweep, and the book's per-worker
//! chunks. The sweep itself is measured in [`crate::amdahl`].

use std::time::Duration;

use common::format;
use common::timing::{self, human};
use common::{Plot, TableData};

use crate::primes;
use crate::split::Split;

/// A measured speedup may beat the prediction by this factor (timer noise, turbo clocks) before
/// the run counts as contradicting the law.
const NOISE: f64 = 1.25;

/// One worker count of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Workers (threads).
    pub workers: usize,
    /// Median time of the runs.
    pub time: Duration,
    /// Time on one worker divided by this time.
    pub speedup: f64,
    /// The speedup of this count's slowest and fastest run over the one-worker median.
    pub spread: (f64, f64),
    /// Amdahl's prediction for this many workers, each on its own processor.
    pub predicted: f64,
    /// Amdahl's prediction with no more processors than the machine's cores.
    pub predicted_here: f64,
    /// Measured speedup per worker.
    pub efficiency: f64,
}

/// A whole sweep, 1..=N workers.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The serial fraction the predictions use.
    pub serial: f64,
    /// The machine's cores (`available_parallelism`).
    pub cores: usize,
    /// One cell per worker count, 1 first.
    pub cells: Vec<Cell>,
    /// The result every run agreed on (primes found, or the checksum).
    pub result: usize,
    /// How many runs each cell is the median of.
    pub runs: usize,
    /// The book's sweep only: each worker's chunk in the last run on `min(N, cores)` workers
    /// (the per-worker table), kept from the sweep so that no extra run is needed.
    pub split: Option<Split>,
}

impl Sweep {
    /// Amdahl's bound as workers → ∞: `1 / s` (infinite when nothing is serial).
    pub fn bound(&self) -> f64 {
        if self.serial > 0.0 {
            1.0 / self.serial
        } else {
            f64::INFINITY
        }
    }

    /// True when no measured speedup beats Amdahl's prediction for as many processors as
    /// workers by more than noise. (Not the prediction for this machine's cores: on a busy
    /// machine the scheduler shares the cores per thread, so more threads win a larger share than
    /// one did.) Reported, not judged: a busy machine can skew any measurement.
    pub fn within_the_law(&self) -> bool {
        self.cells.iter().all(|c| c.speedup <= c.predicted * NOISE)
    }

    /// The sweep as a table: one row per worker count, then the bound.
    pub fn table(&self, title: impl Into<String>) -> TableData {
        let mut table = TableData::new(
            title,
            &[
                "workers",
                if self.runs == 1 {
                    "time (1 run)".to_string()
                } else {
                    format!("time (median of {})", self.runs)
                }
                .as_str(),
                "measured speedup",
                "Amdahl: n processors",
                format!("Amdahl: {} cores", self.cores).as_str(),
                "efficiency",
            ],
        );
        for c in &self.cells {
            let oversubscribed = if c.workers > self.cores {
                " (oversubscribed)"
            } else {
                ""
            };
            table.row([
                format!("{}{oversubscribed}", c.workers),
                human(c.time),
                format::ratio(c.speedup),
                format::ratio(c.predicted),
                format::ratio(c.predicted_here),
                format::percent(c.efficiency * 100.0),
            ]);
        }
        let bound = self.bound();
        table.row([
            "∞".to_string(),
            "-".to_string(),
            "-".to_string(),
            format_bound(bound),
            format::ratio(timing::amdahl(self.serial, self.cores)),
            "-".to_string(),
        ]);
        table
    }

    /// The sweep as a chart with the id `id`: the measured speedup against workers (with the
    /// spread of its runs), beside Amdahl's prediction for as many processors as workers and for
    /// this machine's cores, which are marked.
    pub fn plot(&self, id: impl Into<String>, title: impl Into<String>) -> Plot {
        let points = |f: fn(&Cell) -> f64| -> Vec<(f64, f64)> {
            self.cells
                .iter()
                .map(|c| (c.workers as f64, f(c)))
                .collect()
        };
        let plot =
            Plot::new(id, title, "workers (threads)", "speedup (x)").cores_marker(self.cores);
        let plot = match self.runs {
            0 | 1 => plot
                .subtitle("one run a point")
                .measured("measured speedup", points(|c| c.speedup)),
            runs => plot
                .subtitle(format!(
                    "each point the median of {runs} runs, its error bar the slowest to the \
                     fastest run over the one-worker median"
                ))
                .measured_with_spread(
                    "measured speedup",
                    points(|c| c.speedup),
                    self.cells.iter().map(|c| c.spread).collect(),
                    format!("slowest to fastest of {runs} runs"),
                ),
        };
        plot.predicted(
            format!("Amdahl, s = {}: n processors", self.serial),
            points(|c| c.predicted),
        )
        .predicted(
            format!("Amdahl, s = {}: {} cores", self.serial, self.cores),
            points(|c| c.predicted_here),
        )
    }
}

/// `10.00×`, or `∞` for a job with no serial part.
pub fn format_bound(bound: f64) -> String {
    if bound.is_finite() {
        format::ratio(bound)
    } else {
        "∞ (no serial part)".to_string()
    }
}

/// Each worker's chunk, primes and time: the work is lumpy (a prime costs ~1.6 M divisions, most
/// composites a few), so equal chunks do not take equal times.
pub fn worker_table(split: &Split, workers: usize) -> TableData {
    let mut table = TableData::new(
        format!("the book's sweep on {workers} workers: each worker's chunk"),
        &["worker", "integers", "primes", "time"],
    );
    for (i, w) in split.workers.iter().enumerate() {
        table.row([
            i.to_string(),
            format!(
                "10^13 + {}..{}",
                w.chunk.start - primes::BOOK_START,
                w.chunk.end - primes::BOOK_START
            ),
            w.hits.to_string(),
            human(w.elapsed),
        ]);
    }
    table
}
