//! Python and Rust side by side on the book's prime check: sequential, a pool of threads, a
//! pool of processes, on the same numbers on the same machine in the same run.
//!
//! When `python3` is on `PATH`, this example writes the chapter's own Python program
//! (`src/python/primes.py`, shown in the chapter README, stdlib only) to a temporary directory
//! and runs it under a deadline. The program is the book's `Chapter01/example1.py`: trial
//! division of the integers from 10^13, one after the other, then one job per number on a
//! `ThreadPoolExecutor` and on a `ProcessPoolExecutor` of 2 workers, as the jobs complete. Then
//! the chapter's Rust versions test the same numbers: [`primes_sequential`], the thread pool of
//! `prime-check --variant threads` ([`primes_pool`]) and its forked processes
//! ([`primes_processes`]). One table holds both sides' times, each side's speedup over its own
//! sequential run, how many times longer Python took, and whether both found the same primes.
//!
//! What to expect: CPython's threads are no faster than one thread (the GIL lets one run Python
//! at a time), its processes are, minus the pool's start-up; Rust's threads and processes both
//! scale, and each Rust run is an order of magnitude faster than CPython's.
//!
//! The verdict rests on facts, never on a time: every arrangement on both sides found the same
//! primes. Quick runs (the tour) test the first 200 integers (5 primes; Python takes about a
//! second for its three runs), full runs the book's 500; Python runs each arrangement once,
//! Rust takes the median of 3. Without `python3` the run says so, shows the Rust side, exits 0.
//!
//! Run: `cargo run --release -p chapter-1 -- run python-side-by-side`.
//! Book: chapter 1, "Concurrent versus sequential" (`Chapter01/example1.py`).

use std::path::Path;
use std::time::Duration;

use common::python::{self, Measured, Program, SideBySide};
use common::timing::spread_of;
use common::{Outcome, RunConfig, format};

use crate::prime_check::primes_pool;
use crate::primes::{BOOK_COUNT, BOOK_START, numbers, primes_sequential};
use crate::process_pool::primes_processes;

common::variants! {
    /// The example's one variant: both programs, one table.
    pub enum Sides {
        /// The chapter's Python program, then the Rust prime checks.
        Run = "run": "runs the chapter's Python prime check (if python3 is on PATH), then the Rust one: one table",
    }
}

/// The chapter's Python program, as written to disk and shown in the README.
pub const PROGRAM: Program = Program {
    file: "primes.py",
    source: include_str!("python/primes.py"),
};

/// The workers of each pool, on both sides: the 2 cores of the machines this course is measured on.
pub const WORKERS: usize = 2;

/// How many integers from 10^13 a quick run tests: the first 200 (5 of them prime).
pub const QUICK_COUNT: u64 = 200;

/// One way of running the check, on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// One after the other.
    Sequential,
    /// One job per number on a pool of [`WORKERS`] threads.
    Threads,
    /// One job per number on a pool of [`WORKERS`] processes.
    Processes,
}

impl Arrangement {
    /// Every arrangement, in table order.
    pub const ALL: [Self; 3] = [Self::Sequential, Self::Threads, Self::Processes];

    /// The name the Python program prints its lines under.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Threads => "threads",
            Self::Processes => "processes",
        }
    }

    /// The table's row name.
    pub fn row(self) -> String {
        match self {
            Self::Sequential => "sequential".to_string(),
            Self::Threads | Self::Processes => format!("{WORKERS} {}", self.name()),
        }
    }
}

/// The primes found, as an answer both sides write alike.
fn answer(primes: &[u64]) -> String {
    primes
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the Python side measured: the interpreter's version and one measurement per arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRun {
    /// `sys.version`, first word.
    pub version: String,
    /// Per arrangement of [`Arrangement::ALL`], in order.
    pub measured: Vec<Measured>,
}

/// Runs the Python program on `count` integers with `workers` workers under `deadline`.
pub fn run_python(
    python: &Path,
    count: u64,
    workers: usize,
    deadline: Duration,
) -> anyhow::Result<PythonRun> {
    let report = PROGRAM.run(python, &[count.to_string(), workers.to_string()], deadline)?;
    let measured = Arrangement::ALL
        .iter()
        .map(|how| {
            let primes: Vec<u64> = report.numbers(&format!("{}-primes", how.name()))?;
            Ok(Measured::new(report.seconds(how.name())?, answer(&primes)))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(PythonRun {
        version: report.version()?.to_string(),
        measured,
    })
}

/// Runs the Rust prime checks on `count` integers, each the median of `runs`; per arrangement of
/// [`Arrangement::ALL`], in order. The process pool fails rather than run past `budget`.
pub fn run_rust(
    count: u64,
    workers: usize,
    runs: usize,
    budget: Duration,
) -> anyhow::Result<Vec<Measured>> {
    let numbers = numbers(BOOK_START, count);
    let mut measured = Vec::new();
    for how in Arrangement::ALL {
        let mut found = Ok(Vec::new());
        let spread = spread_of(runs, || {
            found = match how {
                Arrangement::Sequential => Ok(primes_sequential(&numbers)),
                Arrangement::Threads => Ok(primes_pool(&numbers, workers).primes),
                Arrangement::Processes => primes_processes(&numbers, workers, budget),
            };
        });
        measured.push(Measured::new(spread.median, answer(&found?)));
    }
    Ok(measured)
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
            "Trial division of the {} integers from 10^13: Python and Rust, {WORKERS} workers",
            format::count(count)
        ),
        version,
    );
    for (how, rust) in Arrangement::ALL.iter().zip(rust) {
        table = table.row(how.row(), py.as_mut().and_then(Iterator::next), rust);
    }
    let primes = table
        .rows
        .first()
        .map_or(0, |row| row.rust.answer.split_whitespace().count());
    let mut outcome = table
        .outcome(config, &PROGRAM, primes > 0)
        .line(format!(
            "{primes} primes among the {} integers from 10^13; Python ran each arrangement once, Rust took the median of {}.",
            format::count(count),
            config.pick(3, 5)
        ));
    outcome = match table.python {
        Some(_) => outcome.notice(
            "CPython's threads take turns under the GIL, its processes run at once; Rust's threads and processes both do, each step far cheaper",
        ),
        None => outcome.notice("install python3 to see CPython's pools beside Rust's"),
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
            Some(run_python(&path, count, WORKERS, deadline)?)
        }
        None => None,
    };
    let rust = run_rust(count, WORKERS, config.pick(3, 5), config.budget())?;
    Ok(side_by_side(config, count, python, rust))
}
