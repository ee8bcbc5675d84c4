//! Python side by side: the chapters' own small Python programs, run beside the Rust versions of
//! the same workload, on the same machine in the same run.
//!
//! A chapter keeps its program as a `.py` file (stdlib only) and embeds it with `include_str!`
//! into a [`Program`]. [`find`] looks for `python3` on `PATH`; [`Program::run`] writes the
//! program to a fresh temporary directory, runs it under a deadline (killing the interpreter
//! when it runs past), and parses what it printed: one `<name> <value>` line per result, into a
//! [`Report`]. [`SideBySide`] then sets both sides' times in one table, an arrangement a row
//! (`sequential`, `2 processes`, …), each side's speedup over its own first row beside it, and
//! whether both sides computed the same answer: the fact a side-by-side verdict rests on. Times
//! and speedups are figures, never the verdict.
//!
//! Without `python3` a run says so in one line, [`SKIPPED`], and still shows its Rust side.
//!
//! Used by the `python-side-by-side` examples of chapters 1, 2, 5, 10 and 15; e.g.
//! `cargo run --release -p chapter-1 -- run python-side-by-side`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::format::{self, TimeUnit};
use crate::outcome::{Outcome, TableData, Verdict};
use crate::registry::RunConfig;
use crate::timing::{human, speedup};

/// The line a run prints when there is no `python3` on `PATH`.
pub const SKIPPED: &str = "python3 not found on PATH: skipped the Python side";

/// How long a chapter's Python program may run before it is killed: generous, since CPython is
/// an order of magnitude slower than the Rust beside it, and still bounded.
pub fn deadline(config: &RunConfig) -> Duration {
    config.pick(Duration::from_secs(15), Duration::from_secs(60))
}

/// The first `python3` on `PATH`, if any.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("python3"))
        .find(|candidate| candidate.is_file())
}

/// A chapter's Python program: its file name and its source (`include_str!` of the `.py` file).
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// The file name it is written under, e.g. `primes.py` (its tracebacks name it).
    pub file: &'static str,
    /// The source, as shown in the chapter README.
    pub source: &'static str,
}

impl Program {
    /// Writes the program to a fresh temporary directory, runs it with `python` and `args`, and
    /// removes the directory. Kills the interpreter if it runs past `deadline`; fails if it exits
    /// with an error (its stderr in the message).
    pub fn run(
        &self,
        python: &Path,
        args: &[String],
        deadline: Duration,
    ) -> anyhow::Result<Report> {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("python-side-{}-{run}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let result = self.run_in(&dir, python, args, deadline);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn run_in(
        &self,
        dir: &Path,
        python: &Path,
        args: &[String],
        deadline: Duration,
    ) -> anyhow::Result<Report> {
        let script = dir.join(self.file);
        std::fs::write(&script, self.source)
            .with_context(|| format!("cannot write {}", script.display()))?;
        let mut child = Command::new(python)
            .arg(&script)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", python.display()))?;
        // Read both pipes on their own threads, so a chatty program never blocks on a full pipe.
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let until = Instant::now() + deadline;
        let status = loop {
            if let Some(status) = child.try_wait().context("waiting for python3")? {
                break status;
            }
            if Instant::now() >= until {
                let _ = child.kill();
                let _ = child.wait();
                anyhow::bail!(
                    "python3 {} ran past its {} deadline and was stopped",
                    self.file,
                    human(deadline)
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        // The pipes close when the interpreter (and any worker it started) has exited.
        let grace = Duration::from_secs(2);
        let out = stdout.recv_timeout(grace).unwrap_or_default();
        let err = stderr.recv_timeout(grace).unwrap_or_default();
        anyhow::ensure!(
            status.success(),
            "python3 {} failed ({status}): {}",
            self.file,
            err.trim()
        );
        Ok(Report::parse(&out))
    }
}

/// Reads `pipe` to its end on a thread; the text arrives on the returned channel.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            let _ = tx.send(text);
        });
    }
    rx
}

/// What a program printed: its `<name> <value>` lines, in order (a value may hold spaces).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    lines: Vec<(String, String)>,
}

impl Report {
    /// Parses a program's output; lines without a name are ignored.
    pub fn parse(stdout: &str) -> Self {
        let lines = stdout
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                let (name, value) = line.split_once(' ').unwrap_or((line, ""));
                (!name.is_empty()).then(|| (name.to_string(), value.trim().to_string()))
            })
            .collect();
        Self { lines }
    }

    /// The value of the last `name` line.
    pub fn text(&self, name: &str) -> anyhow::Result<&str> {
        self.lines
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| anyhow::anyhow!("the Python program printed no {name} line"))
    }

    /// The value of the `name` line, parsed.
    pub fn number<T: FromStr>(&self, name: &str) -> anyhow::Result<T> {
        let value = self.text(name)?;
        value
            .parse()
            .map_err(|_| anyhow::anyhow!("not a number in the {name} line: {value:?}"))
    }

    /// The `name` line's value, a time in seconds.
    pub fn seconds(&self, name: &str) -> anyhow::Result<Duration> {
        let seconds: f64 = self.number(name)?;
        Duration::try_from_secs_f64(seconds)
            .map_err(|_| anyhow::anyhow!("not a time in the {name} line: {seconds}"))
    }

    /// The `name` line's space-separated values, parsed (none for an empty value).
    pub fn numbers<T: FromStr>(&self, name: &str) -> anyhow::Result<Vec<T>> {
        let value = self.text(name)?;
        value
            .split_whitespace()
            .map(|item| {
                item.parse()
                    .map_err(|_| anyhow::anyhow!("not a number in the {name} line: {item:?}"))
            })
            .collect()
    }

    /// The interpreter's version, from its `version` line (`sys.version`, first word).
    pub fn version(&self) -> anyhow::Result<&str> {
        self.text("version")
    }
}

/// One side's run of one arrangement: how long it took and what it computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    /// Wall-clock time of the work.
    pub time: Duration,
    /// What it computed, written so that equal answers are equal strings (e.g. the primes found).
    pub answer: String,
}

impl Measured {
    /// A measurement of `time` that computed `answer`.
    pub fn new(time: Duration, answer: impl ToString) -> Self {
        Self {
            time,
            answer: answer.to_string(),
        }
    }
}

/// One arrangement (`sequential`, `2 processes`, …) on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// The row's name.
    pub how: String,
    /// The Python side, when it ran.
    pub python: Option<Measured>,
    /// The Rust side.
    pub rust: Measured,
}

/// Both sides' times in one table, an arrangement a row; the first row is each side's baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBySide {
    /// The table's caption.
    pub title: String,
    /// The interpreter that ran the Python side (`CPython 3.11.7`), if it ran.
    pub python: Option<String>,
    /// The rows, the baseline first.
    pub rows: Vec<Arrangement>,
}

impl SideBySide {
    /// An empty table; `python` names the interpreter when the Python side ran.
    pub fn new(title: impl Into<String>, python: Option<String>) -> Self {
        Self {
            title: title.into(),
            python,
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(mut self, how: impl Into<String>, python: Option<Measured>, rust: Measured) -> Self {
        self.rows.push(Arrangement {
            how: how.into(),
            python,
            rust,
        });
        self
    }

    /// True if the Python side ran and, in every row, computed what the Rust side did.
    pub fn same_answers(&self) -> bool {
        self.python.is_some()
            && self.rows.iter().all(|row| {
                row.python
                    .as_ref()
                    .is_some_and(|p| p.answer == row.rust.answer)
            })
    }

    /// True if every Rust row computed the baseline's answer.
    pub fn rust_agrees(&self) -> bool {
        self.rows
            .iter()
            .all(|row| Some(&row.rust.answer) == self.rows.first().map(|r| &r.rust.answer))
    }

    /// The Python time of row `at` over the Rust time: how many times faster Rust was there.
    pub fn python_over_rust(&self, at: usize) -> Option<f64> {
        let row = self.rows.get(at)?;
        Some(speedup(row.python.as_ref()?.time, row.rust.time))
    }

    /// Row `at`'s speedup over the baseline row, on the Python side and on the Rust side.
    pub fn speedups(&self, at: usize) -> (Option<f64>, Option<f64>) {
        let (Some(first), Some(row)) = (self.rows.first(), self.rows.get(at)) else {
            return (None, None);
        };
        let python = match (&first.python, &row.python) {
            (Some(base), Some(p)) => Some(speedup(base.time, p.time)),
            _ => None,
        };
        (python, Some(speedup(first.rust.time, row.rust.time)))
    }

    /// The table: per row both times (one unit per column), both speedups over the baseline,
    /// the Python / Rust ratio, and whether both sides computed the same answer.
    pub fn table(&self) -> TableData {
        let py_times: Vec<Duration> = self
            .rows
            .iter()
            .filter_map(|r| r.python.as_ref().map(|p| p.time))
            .collect();
        let py_unit = TimeUnit::fitting(py_times.iter().copied());
        let rust_unit = TimeUnit::fitting(self.rows.iter().map(|r| r.rust.time));
        let decimals = |unit: TimeUnit, times: &mut dyn Iterator<Item = Duration>| {
            unit.decimals_for(times.max().unwrap_or_default())
        };
        let py_decimals = decimals(py_unit, &mut py_times.iter().copied());
        let rust_decimals = decimals(rust_unit, &mut self.rows.iter().map(|r| r.rust.time));
        let py_header = format!("Python ({})", py_unit.symbol());
        let rust_header = format!("Rust ({})", rust_unit.symbol());
        let mut table = TableData::new(
            self.title.clone(),
            &[
                "arrangement",
                &py_header,
                "speedup",
                &rust_header,
                "speedup",
                "Python/Rust",
                "same answer",
            ],
        );
        let ratio = |r: Option<f64>| r.map_or("-".to_string(), format::ratio);
        for (at, row) in self.rows.iter().enumerate() {
            let (py_speedup, rust_speedup) = self.speedups(at);
            table.row([
                row.how.clone(),
                row.python
                    .as_ref()
                    .map_or("-".to_string(), |p| py_unit.number(p.time, py_decimals)),
                ratio(py_speedup),
                rust_unit.number(row.rust.time, rust_decimals),
                ratio(rust_speedup),
                ratio(self.python_over_rust(at)),
                row.python.as_ref().map_or("-".to_string(), |p| {
                    format::yes_no(p.answer == row.rust.answer).to_string()
                }),
            ]);
        }
        table
    }

    /// The line that says which interpreter ran the Python side, or [`SKIPPED`].
    pub fn ran_line(&self, program: &Program) -> String {
        match &self.python {
            Some(python) => format!(
                "{python} ran the chapter's own program, src/python/{} (stdlib only), in this run.",
                program.file
            ),
            None => SKIPPED.to_string(),
        }
    }
}

impl SideBySide {
    /// The run's outcome: the table, a time and a speedup figure per row and side, which
    /// interpreter ran, and whether both sides computed the same answers. It showed its lesson
    /// when `rust_ok` (the chapter's own checks) holds, every Rust row computed the baseline's
    /// answer and, when the Python side ran, it computed the same in every row: facts, never a
    /// time. The key figure is Python over Rust on the baseline row, or without Python the Rust
    /// speedup of the last row.
    pub fn outcome(&self, config: &RunConfig, program: &Program, rust_ok: bool) -> Outcome {
        let python_ok = self.python.is_none() || self.same_answers();
        let showed = rust_ok && self.rust_agrees() && python_ok;
        let mut outcome = config
            .outcome(Verdict::from(showed))
            .table(self.table())
            .line(self.ran_line(program));
        let last = self.rows.len().saturating_sub(1);
        if self.python.is_some() {
            if let (Some(first), Some(ratio)) = (self.rows.first(), self.python_over_rust(0)) {
                outcome =
                    outcome.key_figure(format!("Python/Rust time, {}", first.how), ratio, "x");
            }
        } else if let (_, Some(gain)) = self.speedups(last) {
            outcome =
                outcome.key_figure(format!("Rust speedup, {}", self.rows[last].how), gain, "x");
        }
        for (at, row) in self.rows.iter().enumerate() {
            let (py_speedup, rust_speedup) = self.speedups(at);
            if let Some(py) = &row.python {
                outcome = outcome.duration(format!("Python {}", row.how), py.time);
            }
            outcome = outcome.duration(format!("Rust {}", row.how), row.rust.time);
            if at > 0 {
                if let Some(gain) = py_speedup {
                    outcome = outcome.figure(format!("Python speedup, {}", row.how), gain, "x");
                }
                if let Some(gain) = rust_speedup {
                    outcome = outcome.figure(format!("Rust speedup, {}", row.how), gain, "x");
                }
            }
        }
        if self.python.is_some() {
            let differ: Vec<&str> = self
                .rows
                .iter()
                .filter(|row| {
                    row.python
                        .as_ref()
                        .is_none_or(|p| p.answer != row.rust.answer)
                })
                .map(|row| row.how.as_str())
                .collect();
            outcome = outcome.line(if differ.is_empty() {
                "Both sides computed the same answers in every arrangement: the verdict rests on that, the times are figures.".to_string()
            } else {
                format!("The two sides' answers differ in: {}.", differ.join(", "))
            });
        }
        if !self.rust_agrees() {
            outcome = outcome.line("The Rust arrangements did NOT all compute the same answer.");
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_names_values_and_lists() {
        let report = Report::parse("version 3.11.7\nsequential 0.25\nprimes 2 3 5\nempty\n\n");
        assert_eq!(report.version().expect("version"), "3.11.7");
        assert_eq!(
            report.seconds("sequential").expect("time"),
            Duration::from_millis(250)
        );
        assert_eq!(report.numbers::<u64>("primes").expect("list"), [2, 3, 5]);
        assert!(report.numbers::<u64>("empty").expect("empty").is_empty());
        assert!(report.text("threads").is_err());
        assert!(report.number::<f64>("version").is_err());
        assert!(
            Report::parse("sequential -1")
                .seconds("sequential")
                .is_err()
        );
    }

    #[test]
    fn the_table_compares_both_sides_and_their_answers() {
        let ms = Duration::from_millis;
        let both = SideBySide::new("t", Some("CPython 3.11.7".into()))
            .row(
                "sequential",
                Some(Measured::new(ms(800), "5")),
                Measured::new(ms(80), "5"),
            )
            .row(
                "2 processes",
                Some(Measured::new(ms(400), "5")),
                Measured::new(ms(40), "5"),
            );
        assert!(both.same_answers() && both.rust_agrees());
        let table = both.table();
        assert_eq!(
            table.rows[1],
            [
                "2 processes",
                "400",
                "2.00×",
                "40.0",
                "2.00×",
                "10.00×",
                "yes"
            ]
        );
        let without =
            SideBySide::new("t", None).row("sequential", None, Measured::new(ms(80), "5"));
        assert!(!without.same_answers() && without.rust_agrees());
        assert_eq!(without.table().rows[0][1], "-");
        let program = Program {
            file: "p.py",
            source: "",
        };
        assert_eq!(without.ran_line(&program), SKIPPED);
    }

    #[test]
    fn a_program_runs_under_its_deadline_when_python3_is_here() {
        let Some(python) = find() else {
            // Nothing to run here: the missing interpreter is the chapters' tested path.
            assert!(SKIPPED.contains("python3"));
            return;
        };
        let program = Program {
            file: "echo.py",
            source: "import sys\nprint('version', sys.version.split()[0])\nprint('args', *sys.argv[1:])\n",
        };
        let args = ["1".to_string(), "2".to_string()];
        let report = program
            .run(&python, &args, Duration::from_secs(30))
            .expect("runs");
        assert_eq!(report.numbers::<u32>("args").expect("args"), [1, 2]);
        let slow = Program {
            file: "slow.py",
            source: "import time\ntime.sleep(30)\n",
        };
        let err = slow
            .run(&python, &[], Duration::from_millis(300))
            .expect_err("stopped at its deadline");
        assert!(err.to_string().contains("deadline"), "{err}");
        let failing = Program {
            file: "fail.py",
            source: "raise SystemExit('no')\n",
        };
        let err = failing
            .run(&python, &[], Duration::from_secs(30))
            .expect_err("fails");
        assert!(err.to_string().contains("no"), "{err}");
    }
}
