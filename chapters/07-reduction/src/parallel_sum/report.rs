//! The reporting of `parallel-sum --variant large`: the timings table, and the sweep over thread
//! counts set beside Amdahl's law as a table and a chart. The sums themselves are timed in
//! [`super`]; this module only turns their times into speedups, a fit, rows and lines, so the
//! lesson reads without them.

use std::time::Duration;

use common::timing::{SerialFit, Spread, human, speedup};
use common::{Plot, TableData, format};

use super::{Scale, Timed};

/// The Karp–Flatt metric, from `common` (the tests reach it here).
pub use common::timing::karp_flatt;

/// The timings of the large reductions of 0..`n` on `threads` threads as a table, each row's
/// speedup over the sequential row of its group (plain sums, then hashed sums).
pub fn timings_table(n: u64, threads: usize, timings: &[Timed]) -> TableData {
    let mut table = TableData::new(
        format!(
            "reducing 0..{} on {} (median of 3)",
            format::count(n),
            format::counted(threads, "threads")
        ),
        &["reduction", "time", "speedup"],
    );
    for (i, t) in timings.iter().enumerate() {
        let base = &timings[i / 3 * 3];
        table.row([
            t.name.to_string(),
            human(t.time),
            format::ratio(speedup(base.time, t.time)),
        ]);
    }
    table
}

/// One thread count of the sweep: the tree's plain and hashed sums, timed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// Threads.
    pub threads: usize,
    /// The plain sum's median time.
    pub plain: Duration,
    /// The hashed sum's median time.
    pub hashed: Duration,
}

/// The speedup on `threads` threads over the first point (one thread), timed by `time`; NaN
/// when the sweep has no such point.
fn speedup_in(points: &[SweepPoint], threads: usize, time: fn(&SweepPoint) -> Duration) -> f64 {
    let one = &points[0];
    match points.iter().find(|p| p.threads == threads) {
        // One thread over itself: exactly 1.
        Some(p) if p.threads == one.threads => 1.0,
        Some(p) => speedup(time(one), time(p)),
        None => f64::NAN,
    }
}

/// The chart's two measured series.
const HASHED: &str = "hashed sum (compute bound)";
const PLAIN: &str = "plain sum (memory bound)";

/// The tree's sums on 1..=N threads, with Amdahl's law fitted to the hashed sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// One point per thread count, one thread first.
    pub points: Vec<SweepPoint>,
    /// The serial fraction that explains the hashed sum's speedup on the most threads with a
    /// core each (the compute-bound sum: the plain one measures memory bandwidth too), and
    /// Amdahl's predictions from it.
    pub fit: SerialFit,
    /// Each point's runs, `(plain, hashed)`, when the sweep kept them: the chart's error bars.
    pub runs: Vec<(Spread, Spread)>,
}

impl Sweep {
    /// Builds the sweep from its points (one thread first) and the machine's cores.
    pub fn new(points: Vec<SweepPoint>, cores: usize) -> Self {
        let hashed: Vec<(usize, f64)> = points
            .iter()
            .map(|p| (p.threads, speedup_in(&points, p.threads, |p| p.hashed)))
            .collect();
        Self {
            fit: SerialFit::from_speedups(&hashed, cores),
            points,
            runs: Vec::new(),
        }
    }

    /// The sweep with each point's runs, `(plain, hashed)`, in the order of its points.
    pub fn with_runs(self, runs: Vec<(Spread, Spread)>) -> Self {
        Self { runs, ..self }
    }

    /// Each point's slowest and fastest `side` run (plain or hashed) as speedups over one
    /// thread's median; empty without the runs.
    fn spread(&self, side: fn(&(Spread, Spread)) -> Spread) -> Vec<(f64, f64)> {
        let Some(one) = self.runs.first() else {
            return Vec::new();
        };
        let base = side(one).median;
        self.runs
            .iter()
            .map(|r| side(r).speedups_over(base))
            .collect()
    }

    /// The hashed sum's speedup on `threads` threads over one.
    pub fn hashed_speedup(&self, threads: usize) -> f64 {
        speedup_in(&self.points, threads, |p| p.hashed)
    }

    /// The plain sum's speedup on `threads` threads over one.
    pub fn plain_speedup(&self, threads: usize) -> f64 {
        speedup_in(&self.points, threads, |p| p.plain)
    }

    /// The chart of `scale`'s run: both sums' speedups, and Amdahl's law for n processors and
    /// for the cores.
    pub fn plot(&self, scale: Scale) -> Plot {
        let line = |f: &dyn Fn(usize) -> f64| -> Vec<(f64, f64)> {
            self.points
                .iter()
                .map(|p| (p.threads as f64, f(p.threads)))
                .collect()
        };
        Plot::new(
            format!("chapter-7-parallel-sum-{scale}"),
            "A parallel sum (tree of threads): speedup against Amdahl's law",
            "threads",
            "speedup (x)",
        )
        .measured(HASHED, line(&|n| self.hashed_speedup(n)))
        .measured(PLAIN, line(&|n| self.plain_speedup(n)))
        .subtitle(if self.runs.is_empty() {
            "each point the median of 3 runs"
        } else {
            "each point the median of 3 runs, its error bar the slowest to the fastest run over \
             one thread's median"
        })
        .spread(HASHED, self.spread(|r| r.1), "slowest to fastest of 3 runs")
        .spread(PLAIN, self.spread(|r| r.0), "slowest to fastest of 3 runs")
        .amdahl_lines(
            self.fit.serial,
            &self.points.iter().map(|p| p.threads).collect::<Vec<_>>(),
            self.fit.cores,
        )
    }

    /// The sweep as a table.
    pub fn table(&self) -> TableData {
        let mut table = TableData::new(
            format!(
                "the tree on 1..{} threads (median of 3), beside Amdahl's law for s = {:.3}",
                self.points.len(),
                self.fit.serial
            ),
            &[
                "threads",
                "plain sum",
                "speedup",
                "hashed sum",
                "speedup",
                "Amdahl: n processors",
                format!("Amdahl: {} cores", self.fit.cores).as_str(),
            ],
        );
        for p in &self.points {
            let marked = if p.threads > self.fit.cores {
                " (oversubscribed)"
            } else {
                ""
            };
            table.row([
                format!("{}{marked}", p.threads),
                human(p.plain),
                format::ratio(self.plain_speedup(p.threads)),
                human(p.hashed),
                format::ratio(self.hashed_speedup(p.threads)),
                format::ratio(self.fit.predicted(p.threads)),
                format::ratio(self.fit.predicted_here(p.threads)),
            ]);
        }
        table
    }
}
