//! CPython and Rust side by side: the same CPU-bound countdown, one thread vs two threads vs two
//! processes, on the same machine in the same run.
//!
//! When `python3` is on `PATH`, this example writes the chapter's own Python program
//! (`src/python/countdown.py`, shown in the chapter README) to a temporary file and runs it. The
//! program times the book's countdown (`Chapter15/example2.py`, `example3.py`) three ways and prints
//! one line per time. Then the same count runs in Rust: under the modelled GIL (`gil.rs`) and with
//! none. All of it lands in one table.
//!
//! What to expect: CPython's two threads are no faster than one (the real GIL), its two processes
//! are; the modelled GIL behaves the same way, only faster per step; plain Rust threads scale like
//! processes. Python's per-step cost is about a hundred times Rust's: the table shows the ratio.
//!
//! Without `python3` on `PATH` it says so and skips the CPython row (exit 0). The Python run has a
//! deadline; the quick count is scaled down (5,000,000 instead of the book's 50,000,000) so the
//! example takes about a second; a full run (`run python-side-by-side` without `--quick`) uses
//! the book's count. Rust counts further (the book's 50,000,000 quick, 500,000,000 full): its
//! steps are about a hundred times cheaper, and the "ns per step" column compares them fairly.
//! In quick runs each Rust arrangement runs once, as each CPython one does (the `countdown`
//! example takes medians); full runs take the median of 5.
//! The verdict rests on facts (each program ran, every countdown reached zero), never on a time.
//!
//! Run: `cargo run --release -p chapter-15 -- run python-side-by-side`.
//! Book: chapter 15, "The effect of the GIL" (`Chapter15/example2.py`, `example3.py`).

use std::path::Path;
use std::time::Duration;

use common::python::{Program, Report, SKIPPED};
use common::timing::{human, speedup};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::countdown::{self, CountdownTimes};

common::variants! {
    /// The example's one variant: both programs, one table.
    pub enum Programs {
        /// The chapter's Python program, then the Rust countdowns.
        Run = "run": "writes and runs the chapter's Python program, then the Rust countdowns",
    }
}

/// The chapter's Python program, as written to disk and shown in the README.
pub const PROGRAM: Program = Program {
    file: "countdown.py",
    source: include_str!("python/countdown.py"),
};

/// What the Python program printed.
#[derive(Debug, Clone, PartialEq)]
pub struct PythonTimes {
    /// `sys.version`, first word.
    pub version: String,
    /// `sys.getswitchinterval()`, seconds.
    pub switch_interval: f64,
    /// One thread counts all of it.
    pub one_thread: Duration,
    /// Two threads count half each.
    pub two_threads: Duration,
    /// A pool of two processes counts half each (pool start included, as in the book).
    pub two_processes: Duration,
}

/// Reads the program's `<name> <value>` lines.
pub fn parse_output(stdout: &str) -> anyhow::Result<PythonTimes> {
    from_report(&Report::parse(stdout))
}

fn from_report(report: &Report) -> anyhow::Result<PythonTimes> {
    Ok(PythonTimes {
        version: report.version()?.to_string(),
        switch_interval: report.number("switchinterval")?,
        one_thread: report.seconds("one-thread")?,
        two_threads: report.seconds("two-threads")?,
        two_processes: report.seconds("two-processes")?,
    })
}

/// Runs the program ([`Program::run`]: a fresh temporary file, removed after) with `python` on
/// `count`. Kills the interpreter if it runs past `deadline`.
pub fn run_python(python: &Path, count: u64, deadline: Duration) -> anyhow::Result<PythonTimes> {
    from_report(&PROGRAM.run(python, &[count.to_string()], deadline)?)
}

/// The count CPython runs: a tenth of the book's in quick mode (a CPython step costs tens of
/// nanoseconds: about a second for the three arrangements), the book's in a full run.
pub fn python_count(config: &RunConfig) -> u64 {
    config.pick(countdown::COUNT / 10, countdown::COUNT)
}

/// The count Rust runs: a Rust step costs about a hundredth of a CPython one, so the same count
/// would be over in milliseconds, too short to time threads; the table's "ns per step" column
/// compares the two fairly. The same as the `countdown` example's.
pub fn rust_count(config: &RunConfig) -> u64 {
    countdown::rust_count(config)
}

/// Builds the side-by-side outcome of `config`'s run from what was measured (or from `None`:
/// Python missing). `python_count` and `rust_count` are how far each counted down.
pub fn side_by_side(
    config: &RunConfig,
    python_count: u64,
    rust_count: u64,
    python: Option<(&Path, PythonTimes)>,
    gil: &CountdownTimes,
    free: &CountdownTimes,
) -> Outcome {
    let mut table = TableData::new(
        "The countdown: one thread, two threads (half each), two processes (half each)",
        &[
            "who",
            "count",
            "ns per step",
            "one thread",
            "two threads",
            "two processes",
            "threads speedup",
            "processes speedup",
        ],
    );
    let cell = |d: Option<Duration>| d.map_or("-".to_string(), human);
    let ratio = |base: Duration, d: Option<Duration>| {
        d.map_or("-".to_string(), |d| common::format::ratio(speedup(base, d)))
    };
    let per_step = |d: Duration, count: u64| format!("{:.2}", d.as_secs_f64() * 1e9 / count as f64);
    if let Some((_, py)) = &python {
        table.row([
            format!("CPython {} (real GIL)", py.version),
            common::format::count(python_count),
            per_step(py.one_thread, python_count),
            human(py.one_thread),
            human(py.two_threads),
            human(py.two_processes),
            ratio(py.one_thread, Some(py.two_threads)),
            ratio(py.one_thread, Some(py.two_processes)),
        ]);
    }
    for (who, times) in [("Rust, modelled GIL", gil), ("Rust, no GIL", free)] {
        table.row([
            who.to_string(),
            common::format::count(rust_count),
            per_step(times.sequential, rust_count),
            human(times.sequential),
            human(times.threads),
            cell(times.processes),
            ratio(times.sequential, Some(times.threads)),
            ratio(times.sequential, times.processes),
        ]);
    }

    let rust_ok =
        gil.all_reached_zero && free.all_reached_zero && gil.gil.is_none_or(|s| s.overlaps == 0);
    let modelled = speedup(gil.sequential, gil.threads);
    let mut outcome = config.outcome(Verdict::from(rust_ok)).table(table);
    // The headline is CPython's two-thread speedup when it ran, else the modelled GIL's.
    outcome = if python.is_some() {
        outcome.figure("Rust modelled-GIL two-thread speedup", modelled, "x")
    } else {
        outcome.key_figure("Rust modelled-GIL two-thread speedup", modelled, "x")
    };
    outcome = outcome.figure(
        "Rust no-GIL two-thread speedup",
        speedup(free.sequential, free.threads),
        "x",
    );
    match python {
        Some((path, py)) => {
            let per_step = (py.one_thread.as_secs_f64() / python_count as f64)
                / (free.sequential.as_secs_f64() / rust_count as f64).max(1e-15);
            outcome = outcome
                .key_figure("CPython two-thread speedup", speedup(py.one_thread, py.two_threads), "x")
                .figure("CPython two-process speedup", speedup(py.one_thread, py.two_processes), "x")
                .duration("CPython one thread", py.one_thread)
                .figure("CPython / Rust time per step, one thread", per_step, "x")
                .line(format!(
                    "Ran {} (switch interval {} s) on the chapter's own program, src/python/countdown.py; every countdown reached zero.",
                    path.display(),
                    py.switch_interval
                ))
                .line(format!(
                    "One thread: a CPython step took {per_step:.0} times as long as a plain Rust step, so Rust counts further to give its threads something to time."
                ))
                .notice("CPython's two threads are no faster than one, its two processes are; the modelled GIL shows the same shape, plain Rust threads scale like processes");
            let (threads, processes) = (
                speedup(py.one_thread, py.two_threads),
                speedup(py.one_thread, py.two_processes),
            );
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            if threads > 1.3 || (cores >= 2 && processes < 1.3) {
                outcome = outcome.line(format!(
                    "This run's CPython times do not show the shape (two threads {}, two processes {}): \
                     each arrangement ran once, and other work on this machine disturbed them. A full run (without --quick) counts further.",
                    common::format::ratio(threads),
                    common::format::ratio(processes)
                ));
            }
            for (who, times, gil) in [("modelled GIL", gil, true), ("no GIL", free, false)] {
                if let Some(caveat) = countdown::shape_caveat(gil, times) {
                    outcome = outcome.line(format!("Rust, {who}: {caveat}"));
                }
            }
        }
        None => {
            outcome = outcome
                .line(format!(
                    "{SKIPPED}: the CPython row is left out; the Rust rows ran."
                ))
                .notice("install python3 to see the real GIL beside the modelled one");
        }
    }
    outcome
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Programs::Run = config.variant_of()?;
    let py_count = python_count(config);
    let count = rust_count(config);
    let python = common::python::find();
    let measured = match &python {
        Some(path) => {
            let deadline = config.pick(Duration::from_secs(10), Duration::from_secs(60));
            Some((path.as_path(), run_python(path, py_count, deadline)?))
        }
        None => None,
    };
    // Quick: each arrangement once, like the CPython program (the `countdown` example just
    // before it in the tour takes the medians); full: the median of 5.
    let runs = config.pick(1, 5);
    let gil = countdown::measure(count, true, runs)?;
    let free = countdown::measure(count, false, runs)?;
    Ok(side_by_side(config, py_count, count, measured, &gil, &free))
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn parses_the_programs_lines() {
        let out = "version 3.11.7\nswitchinterval 0.005\none-thread 0.5\ntwo-threads 0.6\ntwo-processes 0.3\n";
        let times = parse_output(out).expect("parses");
        assert_eq!(times.version, "3.11.7");
        assert_eq!(times.two_threads, Duration::from_millis(600));
        assert!(parse_output("version 3.11.7\n").is_err());
        assert!(parse_output("one-thread fast\n").is_err());
    }
}
