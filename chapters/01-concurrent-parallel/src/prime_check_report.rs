//! The reporting of `prime-check`: how its runs are timed (alternating, with the CPU time each
//! side used), the worker-count sweep set beside Amdahl's law as a table and a chart, and what
//! the outcome says when no speedup came. The lesson itself is in [`crate::prime_check`].

use std::time::Duration;

use common::format;
use common::timing::{SerialFit, Spread, human, speedup, time};
use common::{Outcome, Plot, RunConfig, TableData};
use nix::sys::resource::{UsageWho, getrusage};

/// The Karp–Flatt metric, from `common` (the tests reach it here).
pub use common::timing::karp_flatt;

/// One worker count of a variant's sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// Workers.
    pub workers: usize,
    /// Median time on that many workers.
    pub time: Duration,
    /// The one-worker time over this time (1.0 on one worker).
    pub speedup: f64,
    /// The speedup of this count's slowest and fastest run over the one-worker median.
    pub spread: (f64, f64),
    /// How many runs `time` is the median of.
    pub runs: usize,
}

/// A sweep over 1..=N workers and Amdahl's law fitted to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// One point per worker count, one worker first.
    pub points: Vec<SweepPoint>,
    /// The serial fraction that explains the speedup on the most workers with a core each, and
    /// Amdahl's predictions from it.
    pub fit: SerialFit,
}

impl Sweep {
    /// Builds the sweep from each worker count's runs, one worker first.
    pub fn from_times(times: &[(usize, Spread)], cores: usize) -> Self {
        let one = times.first().map_or(Duration::ZERO, |t| t.1.median);
        let points: Vec<SweepPoint> = times
            .iter()
            .map(|&(workers, runs)| SweepPoint {
                workers,
                time: runs.median,
                speedup: if workers == 1 {
                    1.0
                } else {
                    speedup(one, runs.median)
                },
                spread: runs.speedups_over(one),
                runs: runs.runs,
            })
            .collect();
        let speedups: Vec<(usize, f64)> = points.iter().map(|p| (p.workers, p.speedup)).collect();
        Self {
            fit: SerialFit::from_speedups(&speedups, cores),
            points,
        }
    }

    /// The sweep as a chart: measured speedup (with the spread of its runs when every count
    /// was run more than once), and Amdahl's law for n processors and for the cores there are.
    pub fn plot(&self, config: &RunConfig) -> Plot {
        let variant = config.variant;
        let runs = self.points.iter().map(|p| p.runs).min().unwrap_or(0);
        let line = |f: &dyn Fn(&SweepPoint) -> f64| -> Vec<(f64, f64)> {
            self.points
                .iter()
                .map(|p| (p.workers as f64, f(p)))
                .collect()
        };
        Plot::new(
            format!("chapter-1-prime-check-{variant}"),
            format!("Prime check ({variant}): speedup over one worker against Amdahl's law"),
            "threads",
            "speedup (x)",
        )
        .subtitle(match runs {
            0 | 1 => "one run a point".to_string(),
            _ => format!(
                "each point the median of {runs} runs, its error bar the slowest to the fastest \
                 run over the one-worker median"
            ),
        })
        .measured_with_spread(
            "measured speedup",
            line(&|p| p.speedup),
            // A single run has no spread to draw.
            match runs {
                0 | 1 => Vec::new(),
                _ => self.points.iter().map(|p| p.spread).collect(),
            },
            format!("slowest to fastest of {runs} runs"),
        )
        .amdahl_lines(
            self.fit.serial,
            &self.points.iter().map(|p| p.workers).collect::<Vec<_>>(),
            self.fit.cores,
        )
    }

    /// The sweep as a table.
    pub fn table(&self, runs: usize) -> TableData {
        let mut table = TableData::new(
            format!(
                "speedup by workers, over one worker ({}), beside Amdahl's law for s = {:.3}",
                if runs == 1 {
                    "one run each; the last row is the comparison's median".to_string()
                } else {
                    format!("median of {runs}")
                },
                self.fit.serial
            ),
            &[
                "workers",
                "time",
                "speedup",
                "Amdahl: n processors",
                format!("Amdahl: {} cores", self.fit.cores).as_str(),
            ],
        );
        for p in &self.points {
            let marked = if p.workers > self.fit.cores {
                " (oversubscribed)"
            } else {
                ""
            };
            table.row([
                format!("{}{marked}", p.workers),
                human(p.time),
                format::ratio(p.speedup),
                format::ratio(self.fit.predicted(p.workers)),
                format::ratio(self.fit.predicted_here(p.workers)),
            ]);
        }
        table
    }
}

/// CPU time used so far by this process (all its threads) and its reaped children, user and
/// system, from `getrusage`.
pub fn cpu_time() -> Duration {
    let of = |who| {
        getrusage(who).map_or(Duration::ZERO, |u| {
            let (user, system) = (u.user_time(), u.system_time());
            let micros =
                (user.tv_sec() + system.tv_sec()) * 1_000_000 + user.tv_usec() + system.tv_usec();
            Duration::from_micros(u64::try_from(micros).unwrap_or(0))
        })
    };
    of(UsageWho::RUSAGE_SELF) + of(UsageWho::RUSAGE_CHILDREN)
}

/// Two alternating timings: the medians, and the cores each side kept busy on average (CPU
/// time over wall time, all runs together).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alternated {
    pub(crate) sequential: Duration,
    pub(crate) parallel: Duration,
    /// The parallel runs' fastest, median and slowest, for the sweep's chart.
    pub(crate) parallel_runs: Spread,
    pub(crate) sequential_cores: f64,
    pub(crate) parallel_cores: f64,
}

/// Times `sequential` and `parallel` alternately, `runs` times each (at least once).
pub(crate) fn alternate(
    runs: usize,
    mut sequential: impl FnMut(),
    mut parallel: impl FnMut(),
) -> Alternated {
    let runs = runs.max(1);
    let mut seq = Vec::with_capacity(runs);
    let mut par = Vec::with_capacity(runs);
    let (mut seq_cpu, mut par_cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..runs {
        let before = cpu_time();
        seq.push(time(&mut sequential).1);
        let middle = cpu_time();
        par.push(time(&mut parallel).1);
        seq_cpu += middle.saturating_sub(before);
        par_cpu += cpu_time().saturating_sub(middle);
    }
    let busy = |cpu: Duration, walls: &[Duration]| {
        cpu.as_secs_f64()
            / walls
                .iter()
                .sum::<Duration>()
                .as_secs_f64()
                .max(f64::MIN_POSITIVE)
    };
    let (sequential_cores, parallel_cores) = (busy(seq_cpu, &seq), busy(par_cpu, &par));
    seq.sort();
    let parallel_runs = Spread::of(par);
    Alternated {
        sequential: seq[runs / 2],
        parallel: parallel_runs.median,
        parallel_runs,
        sequential_cores,
        parallel_cores,
    }
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Each pool worker's share of the last run: the numbers it tested and the primes among them.
pub fn share_table(jobs: &[usize], primes_found: &[usize]) -> TableData {
    let mut table = TableData::new(
        "each worker's share (last run)",
        &["worker", "numbers tested", "primes found"],
    );
    for (w, (jobs, found)) in jobs.iter().zip(primes_found).enumerate() {
        table.row([w.to_string(), jobs.to_string(), found.to_string()]);
    }
    table
}

/// The lines that say why a run showed no speedup, when it did not: no speedup was possible
/// (one core or one worker), the machine starved the parallel runs of CPU, or the cores were
/// busy but shared with other work.
pub(crate) fn speedup_caveats(
    mut outcome: Outcome,
    gain: f64,
    timed: &Alternated,
    cores: usize,
    workers: usize,
) -> Outcome {
    // A speedup needs at least two cores and two workers. Without one, CPU time over wall time
    // tells a busy machine (the OS gave the parallel runs no more CPU than the sequential ones)
    // from shared cores (both busy, no gain); the output says which.
    let can_speed_up = cores >= 2 && workers >= 2;
    let cpu_gain = timed.parallel_cores / timed.sequential_cores.max(f64::MIN_POSITIVE);
    // 1.5, not 1: rayon's idle workers spin a while before sleeping, which is CPU time too.
    let starved = cpu_gain < 1.5;
    if can_speed_up && gain <= 1.1 && !starved {
        outcome = outcome.line(format!(
            "No speedup this time although the parallel runs kept {:.2} cores busy: the cores were shared with other work (on a virtual machine, the host's). Run again; `cargo xtask bench` measures the full-size sweep.",
            timed.parallel_cores
        ));
    }
    if can_speed_up && gain <= 1.1 && starved {
        outcome = outcome.line(format!(
            "No speedup this time, and none was possible: the machine is busy, and the OS gave the parallel runs only {} the CPU of the sequential ones. Run again on an idle machine.",
            format::ratio(cpu_gain)
        ));
    }
    if !can_speed_up {
        outcome = outcome.line(format!(
            "With {workers} worker{} on {cores} core{}, no speedup is possible: run with --threads 2 or more on a machine with 2 or more cores.",
            if workers == 1 { "" } else { "s" },
            if cores == 1 { "" } else { "s" }
        ));
    }
    outcome
}
