//! Python and Rust side by side on the book's prime sweep: 1 worker, then 2, on the same numbers
//! on the same machine in the same run, each side's speedup beside Amdahl's prediction.
//!
//! When `python3` is on `PATH`, this example writes the chapter's own Python program
//! (`src/python/amdahl.py`, shown in the chapter README, stdlib only) to a temporary directory
//! and runs it under a deadline. The program is the book's `Chapter02/example1.py` at 1 and 2
//! workers: trial division of the integers from 10^13, one job per number on a
//! `ProcessPoolExecutor` (its start-up included, as in the book). Then the `book-sweep` of the
//! `amdahl` example tests the same numbers on 1 and 2 threads ([`Workload::run`]: one contiguous
//! chunk per thread). One table holds both sides' times and speedups, how many times longer
//! Python took, and whether both sides counted the same primes.
//!
//! What to expect: both sides approach Amdahl's 2x for a job with no serial part; CPython needs
//! processes for it (one GIL each) and pays their start-up, Rust uses threads. Rust's chunks
//! split the primes unevenly (the chunk with more primes decides the time), Python's pool hands
//! out one number at a time.
//!
//! The verdict rests on facts, never on a time: every run on both sides counted the same primes.
//! Quick runs (the tour) test the first 200 integers (5 primes; under a second of Python), full
//! runs the book's 1,000 (34 primes). Python runs each worker count once, Rust takes the median
//! of 3. Without `python3` the run says so, shows the Rust side and exits 0.
//!
//! Run: `cargo run --release -p chapter-2 -- run python-side-by-side`.
//! Book: chapter 2, "Amdahl's law" (`Chapter02/example1.py`).

use std::path::Path;
use std::time::Duration;

use common::python::{self, Measured, Program, SideBySide};
use common::timing::{self, spread_of};
use common::{Outcome, RunConfig, format};

use crate::amdahl::{Workload, cores};
use crate::primes::BOOK_COUNT;

common::variants! {
    /// The example's one variant: both programs, one table.
    pub enum Sides {
        /// The chapter's Python program, then the Rust sweep.
        Run = "run": "runs the chapter's Python sweep (if python3 is on PATH), then the Rust one: 1 and 2 workers, one table",
    }
}

/// The chapter's Python program, as written to disk and shown in the README.
pub const PROGRAM: Program = Program {
    file: "amdahl.py",
    source: include_str!("python/amdahl.py"),
};

/// The worker counts of the sweep, on both sides.
pub const WORKERS: [usize; 2] = [1, 2];

/// How many integers from 10^13 a quick run tests: the first 200 (5 of them prime).
pub const QUICK_COUNT: u64 = 200;

/// What the Python side measured: the interpreter's version and one measurement per worker count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRun {
    /// `sys.version`, first word.
    pub version: String,
    /// Per worker count of [`WORKERS`], in order: the time and the primes counted.
    pub measured: Vec<Measured>,
}

/// Runs the Python program on `count` integers under `deadline`.
pub fn run_python(python: &Path, count: u64, deadline: Duration) -> anyhow::Result<PythonRun> {
    let report = PROGRAM.run(python, &[count.to_string()], deadline)?;
    let measured = WORKERS
        .iter()
        .map(|workers| {
            let name = format!("workers-{workers}");
            let primes: usize = report.number(&format!("{name}-primes"))?;
            Ok(Measured::new(report.seconds(&name)?, primes))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(PythonRun {
        version: report.version()?.to_string(),
        measured,
    })
}

/// Runs the Rust sweep on `count` integers at each worker count of [`WORKERS`], the median of
/// `runs` each.
pub fn run_rust(count: u64, runs: usize) -> Vec<Measured> {
    let workload = Workload::BookSweep { count };
    WORKERS
        .iter()
        .map(|&workers| {
            let mut primes = 0;
            let spread = spread_of(runs, || primes = workload.run(workers).0);
            Measured::new(spread.median, primes)
        })
        .collect()
}

/// Builds the outcome of `config`'s run from both sides' measurements (`None`: no Python).
pub fn side_by_side(
    config: &RunConfig,
    count: u64,
    python: Option<PythonRun>,
    rust: Vec<Measured>,
) -> Outcome {
    let version = python.as_ref().map(|p| format!("CPython {}", p.version));
    let mut py = python.map(|p| p.measured.into_iter());
    let mut table = SideBySide::new(
        format!(
            "The book's prime sweep over {} integers from 10^13: Python and Rust",
            format::count(count)
        ),
        version,
    );
    for (workers, rust) in WORKERS.iter().zip(rust) {
        let how = format::counted(*workers, "workers");
        table = table.row(how, py.as_mut().and_then(Iterator::next), rust);
    }
    let primes = table
        .rows
        .first()
        .map_or(0, |row| row.rust.answer.parse::<usize>().unwrap_or(0));
    let mut outcome = table
        .outcome(config, &PROGRAM, primes > 0)
        .line(format!(
            "{primes} primes among the {} integers from 10^13; Amdahl's law for a job with no serial part: at most {} on 2 workers ({} here).",
            format::count(count),
            format::ratio(timing::amdahl(0.0, 2.min(cores()))),
            format::counted(cores(), "cores")
        ))
        .line(format!(
            "Python ran each worker count once on a process pool (its start-up included, as in the book); Rust ran threads, the median of {}.",
            config.pick(3, 5)
        ));
    outcome = match table.python {
        Some(_) => outcome.notice(
            "Amdahl's law caps a job with no serial part at 2x on 2 workers: CPython reaches for it with processes (one GIL each), Rust with threads",
        ),
        None => outcome.notice("install python3 to see CPython's process pool beside Rust's threads"),
    };
    outcome
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Sides::Run = config.variant_of()?;
    let count = config.pick(QUICK_COUNT, BOOK_COUNT);
    let python = match python::find() {
        Some(path) => {
            let deadline = python::deadline(config);
            Some(run_python(&path, count, deadline)?)
        }
        None => None,
    };
    let rust = run_rust(count, config.pick(3, 5));
    Ok(side_by_side(config, count, python, rust))
}
