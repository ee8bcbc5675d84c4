//! Python and Rust side by side on the book's status checks: one request after the other, then a
//! pool of threads, against the chapter's own local server, in the same run.
//!
//! The example starts the local status server ([`StatusServer`], on `127.0.0.1:0`) as every
//! example of this chapter does. When `python3` is on `PATH`, it writes the chapter's own Python
//! program (`src/python/check_status.py`, shown in the chapter README, stdlib only: `urllib` in
//! place of the book's `requests`) to a temporary directory and runs it twice under a deadline:
//! the book's `Chapter05/example2.py` (one GET after the other) and `example3.py` with a
//! `ThreadPoolExecutor`. Then the `check-status` example's clients fetch the same URLs:
//! [`Style::Sequential`] and [`Style::ThreadPool`] (`ureq` on scoped threads). Between runs the
//! server's peak of requests in flight is reset, so each run's concurrency is counted by the
//! server itself. One table holds both sides' times, each side's speedup over its sequential run,
//! and whether both sides got the same statuses.
//!
//! What to expect: on both sides the sequential client takes about N·L, the pool about ⌈N/P⌉·L:
//! waiting is the work, and CPython's threads wait in parallel (the GIL is released around a
//! socket read). The two sides take about the same time: the server's latency, not the language.
//!
//! The verdict rests on facts, never on a time: every status came back as asked on both sides,
//! and the server saw 1 request at a time from each sequential client and more than 1 (at most
//! P) from each pool. Quick runs (the tour) send N = 20 requests of L = 25 ms (about a second in
//! all); full runs N = 100 of 100 ms. `--threads P` sizes both pools (default 10). Without
//! `python3` the run says so, shows the Rust side and exits 0.
//!
//! Run: `cargo run -p chapter-5 -- run python-side-by-side`.
//! Book: chapter 5, "Checking the status of a website" (`Chapter05/example2.py`, `example3.py`).

use std::path::Path;

use anyhow::Context;
use common::http::StatusServer;
use common::python::{self, Measured, Program, SideBySide};
use common::{Outcome, RunConfig, format};

use crate::check_status::{Style, Workload, measure};
use crate::probe::{Answer, Probe, book_targets};

common::variants! {
    /// The example's one variant: both programs, one table.
    pub enum Sides {
        /// The chapter's Python program, then the Rust clients.
        Run = "run": "runs the chapter's Python status checks (if python3 is on PATH), then the Rust ones, against one local server",
    }
}

/// The chapter's Python program, as written to disk and shown in the README.
pub const PROGRAM: Program = Program {
    file: "check_status.py",
    source: include_str!("python/check_status.py"),
};

/// The two clients, as the Python program names them: one after the other, then a pool.
pub const MODES: [&str; 2] = ["sequential", "threads"];

/// One side's run of one client: its time and statuses, and the server's peak in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The time and the statuses (in URL order, `0` for a failed request).
    pub measured: Measured,
    /// The most requests the server had in flight at once during this run.
    pub peak_in_flight: usize,
}

/// The statuses of `probes`, in order, as both sides write them.
fn statuses(probes: &[Probe]) -> String {
    probes
        .iter()
        .map(|p| match p.answer {
            Answer::Status(code) => code.to_string(),
            Answer::TimedOut | Answer::Unfinished | Answer::Failed(_) => "0".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the Python program once per mode of [`MODES`] against `server`, `workers` threads in the
/// pool; the interpreter's version and one [`Fetched`] per mode.
pub fn run_python(
    python: &Path,
    server: &StatusServer,
    workload: Workload,
    workers: usize,
) -> anyhow::Result<(String, Vec<Fetched>)> {
    let targets = book_targets(&server.url(""), workload.requests, workload.latency);
    let mut version = String::new();
    let mut fetched = Vec::new();
    for mode in MODES {
        let mut args = vec![
            mode.to_string(),
            workers.to_string(),
            format!("{:.3}", workload.safety_timeout().as_secs_f64()),
        ];
        args.extend(targets.iter().map(|t| t.url.clone()));
        server.reset_peak();
        let report = PROGRAM.run(python, &args, workload.deadline())?;
        let codes: Vec<u16> = report.numbers(&format!("{mode}-statuses"))?;
        let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
        fetched.push(Fetched {
            measured: Measured::new(report.seconds(mode)?, codes.join(" ")),
            peak_in_flight: server.stats().peak_in_flight,
        });
        version = report.version()?.to_string();
    }
    Ok((version, fetched))
}

/// Runs the `check-status` clients, sequential then a pool of `workers`, against `server`.
pub fn run_rust(
    server: &StatusServer,
    workload: Workload,
    workers: usize,
) -> anyhow::Result<Vec<Fetched>> {
    [Style::Sequential, Style::ThreadPool(workers)]
        .into_iter()
        .map(|style| {
            let checked = measure(server, style, workload)?;
            Ok(Fetched {
                measured: Measured::new(checked.total, statuses(&checked.probes)),
                peak_in_flight: checked.peak_in_flight,
            })
        })
        .collect()
}

/// The statuses the server was asked for, in URL order, as both sides write them.
fn asked(workload: Workload) -> String {
    let targets = book_targets("", workload.requests, workload.latency);
    let codes: Vec<String> = targets.iter().map(|t| t.expected.to_string()).collect();
    codes.join(" ")
}

/// True if the server saw what each client allows: 1 at a time from the sequential one, more
/// than 1 and at most `workers` from the pool.
fn concurrency_held(fetched: &[Fetched], workers: usize, requests: usize) -> bool {
    let pool_max = workers.min(requests);
    match fetched {
        [sequential, pool] => {
            sequential.peak_in_flight == 1
                && pool.peak_in_flight <= pool_max
                && (pool_max <= 1 || pool.peak_in_flight > 1)
        }
        _ => false,
    }
}

/// Builds the outcome of `config`'s run from both sides' measurements (`None`: no Python).
pub fn side_by_side(
    config: &RunConfig,
    workload: Workload,
    workers: usize,
    python: Option<(String, Vec<Fetched>)>,
    rust: Vec<Fetched>,
) -> Outcome {
    let n = workload.requests;
    let version = python.as_ref().map(|(v, _)| format!("CPython {v}"));
    let py_fetched = python.map(|(_, f)| f);
    let mut table = SideBySide::new(
        format!(
            "{} status checks of {} latency each, one local server",
            format::count(n),
            format::duration(workload.latency)
        ),
        version,
    );
    let rows = ["sequential".to_string(), format!("{workers} threads")];
    for (at, (how, rust)) in rows.iter().zip(&rust).enumerate() {
        let python = py_fetched
            .as_ref()
            .and_then(|f| f.get(at))
            .map(|f| f.measured.clone());
        table = table.row(how.clone(), python, rust.measured.clone());
    }
    let as_asked = table
        .rows
        .iter()
        .all(|row| row.rust.answer == asked(workload));
    let held = concurrency_held(&rust, workers, n)
        && py_fetched
            .as_ref()
            .is_none_or(|f| concurrency_held(f, workers, n));
    let peaks = |f: &[Fetched]| {
        f.iter()
            .map(|f| f.peak_in_flight.to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut outcome = table
        .outcome(config, &PROGRAM, as_asked && held)
        .line(format!(
            "Every status came back as asked{}: the book's six codes in turn.",
            if as_asked { "" } else { " — NOT on the Rust side" }
        ))
        .line(format!(
            "Requests in flight at once, counted by the server (sequential and pool): Rust {}{}; {}.",
            peaks(&rust),
            py_fetched
                .as_ref()
                .map_or(String::new(), |f| format!(", Python {}", peaks(f))),
            if held {
                format!("1 at a time, then more than 1 and at most {workers}, as each client allows")
            } else {
                "NOT what each client allows".to_string()
            }
        ))
        .line(format!(
            "Sequential ≈ N·L = {}, the pool ≈ ⌈N/P⌉·L = {}: the same on both sides, since waiting is the work.",
            format::duration(workload.latency * n as u32),
            format::duration(workload.latency * n.div_ceil(workers.max(1)) as u32)
        ));
    outcome = match table.python {
        Some(_) => outcome.notice(
            "CPython's threads wait in parallel (a socket read releases the GIL): for I/O both sides gain alike",
        ),
        None => outcome.notice("install python3 to see CPython's threads beside Rust's"),
    };
    outcome
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Sides::Run = config.variant_of()?;
    let workload = Workload::for_config(config);
    let workers = config.threads;
    let server = StatusServer::start().context("starting the local status server")?;
    let result = (|| {
        let python = match python::find() {
            Some(path) => Some(run_python(&path, &server, workload, workers)?),
            None => None,
        };
        let rust = run_rust(&server, workload, workers)?;
        Ok(side_by_side(config, workload, workers, python, rust))
    })();
    server.shutdown();
    result
}
