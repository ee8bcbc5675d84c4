//! Python's asyncio and Rust's tokio side by side on the book's asynchronous prime check: inline,
//! as tasks that yield, and off the event loop, on the same numbers in the same run.
//!
//! When `python3` is on `PATH`, this example writes the chapter's own Python program
//! (`src/python/async_primes.py`, shown in the chapter README, stdlib only) to a temporary
//! directory and runs it under a deadline. The program is the book's `Chapter10/example3.py`,
//! `example4.py` and `example6.py` on one asyncio event loop: the checks one after the other in
//! one coroutine; one task per number giving the loop a turn (`await asyncio.sleep(0)`) every
//! 50,000 divisors, gathered; and `run_in_executor` on a `ProcessPoolExecutor`. Then the
//! `async-primes` example's [`check`] runs the same numbers on a one-thread tokio runtime:
//! `sync`, `yielding` (`yield_now`) and `spawn-blocking`. One table holds both sides' times, each
//! side's speedup over its inline run, how many times longer Python took, and whether both sides
//! gave the same answers.
//!
//! What to expect: one number is nearly all the work, so no arrangement is faster on either
//! side; yielding costs a little (the loop's turns), and both yielding and moving the checks off
//! the loop (CPython to processes, tokio to its blocking threads) let the small numbers be
//! answered at once instead of after the big one. Each Rust check is an order of magnitude
//! faster than CPython's.
//!
//! The verdict rests on facts, never on a time: every arrangement on both sides found every
//! number prime. Quick runs (the tour) check 10,000,000,000,037 (1.6 million divisors), 427920331
//! and 157, under a second of Python; full runs the book's 9637529763296797 in place of the first.
//! Python runs each arrangement once, Rust takes the median of 3. Without `python3` the run says
//! so, shows the Rust side and exits 0.
//!
//! Run: `cargo run --release -p chapter-10 -- run python-side-by-side`.
//! Book: chapter 10, "Asynchronous prime-checking" (`Chapter10/example3.py`, `example4.py`,
//! `example6.py`).

use std::path::Path;
use std::time::Duration;

use common::python::{self, Measured, Program, SideBySide};
use common::timing::spread_of;
use common::{Outcome, RunConfig};

use crate::async_primes::{Style, YIELD_EVERY, check};
use crate::support::{BOOK_NUMBERS, block_on_within, current_thread};

common::variants! {
    /// The example's one variant: both programs, one table.
    pub enum Sides {
        /// The chapter's Python program, then the tokio checks.
        Run = "run": "runs the chapter's asyncio prime check (if python3 is on PATH), then the tokio one: one table",
    }
}

/// The chapter's Python program, as written to disk and shown in the README.
pub const PROGRAM: Program = Program {
    file: "async_primes.py",
    source: include_str!("python/async_primes.py"),
};

/// The numbers a quick run checks: a 14-digit prime (1.6 million divisors) in place of the
/// book's 16-digit one (49 million), then the book's other two.
pub const QUICK_NUMBERS: [u64; 3] = [10_000_000_000_037, BOOK_NUMBERS[1], BOOK_NUMBERS[2]];

/// The arrangements, in table order, as the Python program names its lines and as the
/// `async-primes` example's [`Style`]s run them.
pub const ARRANGEMENTS: [(&str, Style); 3] = [
    ("sync", Style::Sync),
    ("yielding", Style::Yielding),
    ("executor", Style::SpawnBlocking),
];

/// The table's row name of an arrangement.
fn row_name(style: Style) -> &'static str {
    match style {
        Style::Sync => "inline",
        Style::Yielding => "yielding",
        Style::SpawnBlocking => "executor",
    }
}

/// One side's answers, in the order of the numbers: `1` for a prime, `0` for a composite.
fn answer(primes: impl IntoIterator<Item = bool>) -> String {
    primes
        .into_iter()
        .map(|p| if p { "1" } else { "0" })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What one side measured in one arrangement: the time, the answers, the order answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The time and the answers.
    pub measured: Measured,
    /// The numbers, in the order they were answered.
    pub order: Vec<u64>,
}

/// What the Python side measured: the interpreter's version and one [`Checked`] per arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRun {
    /// `sys.version`, first word.
    pub version: String,
    /// Per arrangement of [`ARRANGEMENTS`], in order.
    pub checked: Vec<Checked>,
}

/// Runs the Python program on `numbers` under `deadline`.
pub fn run_python(python: &Path, numbers: &[u64], deadline: Duration) -> anyhow::Result<PythonRun> {
    let mut args = vec![YIELD_EVERY.to_string()];
    args.extend(numbers.iter().map(u64::to_string));
    let report = PROGRAM.run(python, &args, deadline)?;
    let checked = ARRANGEMENTS
        .iter()
        .map(|(name, _)| {
            let answers: Vec<u8> = report.numbers(&format!("{name}-answers"))?;
            Ok(Checked {
                measured: Measured::new(
                    report.seconds(name)?,
                    answer(answers.iter().map(|&a| a == 1)),
                ),
                order: report.numbers(&format!("{name}-order"))?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(PythonRun {
        version: report.version()?.to_string(),
        checked,
    })
}

/// Runs the tokio checks on `numbers` on a one-thread runtime, each arrangement the median of
/// `runs`, each run within `budget`.
pub fn run_rust(numbers: &[u64], runs: usize, budget: Duration) -> anyhow::Result<Vec<Checked>> {
    let runtime = current_thread()?;
    let mut all = Vec::new();
    for (_, style) in ARRANGEMENTS {
        let mut last = Ok(Vec::new());
        let spread = spread_of(runs, || {
            last = block_on_within(
                &runtime,
                budget,
                "the prime checks",
                check(numbers, style, YIELD_EVERY),
            )
            .and_then(|answers| answers);
        });
        let answers = last?;
        let prime = |n: u64| answers.iter().any(|&(m, p, _)| m == n && p);
        all.push(Checked {
            measured: Measured::new(spread.median, answer(numbers.iter().map(|&n| prime(n)))),
            order: answers.iter().map(|a| a.0).collect(),
        });
    }
    Ok(all)
}

/// Builds the outcome of `config`'s run from both sides' measurements (`None`: no Python).
pub fn side_by_side(
    config: &RunConfig,
    numbers: &[u64],
    python: Option<PythonRun>,
    rust: Vec<Checked>,
) -> Outcome {
    let version = python.as_ref().map(|p| format!("CPython {}", p.version));
    let py_orders: Option<Vec<Vec<u64>>> = python
        .as_ref()
        .map(|p| p.checked.iter().map(|c| c.order.clone()).collect());
    let mut py = python.map(|p| p.checked.into_iter());
    let mut table = SideBySide::new(
        "The book's asynchronous prime check: asyncio and tokio, one event-loop thread",
        version,
    );
    let mut orders = Vec::new();
    for ((_, style), rust) in ARRANGEMENTS.iter().zip(rust) {
        let python = py.as_mut().and_then(Iterator::next).map(|c| c.measured);
        table = table.row(row_name(*style), python, rust.measured);
        orders.push(rust.order);
    }
    let all_prime = table
        .rows
        .iter()
        .all(|row| row.rust.answer == answer(numbers.iter().map(|_| true)));
    let listed = |order: &[u64]| {
        order
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut outcome = table
        .outcome(config, &PROGRAM, all_prime)
        .line(format!(
            "Checked {} (all prime): inline, 157 waits for the big prime; yielding tasks answer the small ones first.",
            listed(numbers)
        ))
        .line("Executor: CPython's run_in_executor on a ProcessPoolExecutor (its start-up included, as in the book); tokio's spawn_blocking threads.");
    for (at, (_, style)) in ARRANGEMENTS.iter().enumerate() {
        let python = py_orders
            .as_ref()
            .and_then(|o| o.get(at))
            .map_or("-".to_string(), |o| listed(o));
        outcome = outcome.line(format!(
            "Answered, {}: Python {python}; Rust {}.",
            row_name(*style),
            listed(&orders[at])
        ));
    }
    outcome = match table.python {
        Some(_) => outcome.notice(
            "one expensive check: neither yielding nor an executor makes it faster, both let the small numbers be answered first, in asyncio as in tokio",
        ),
        None => outcome.notice("install python3 to see asyncio beside tokio"),
    };
    outcome
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Sides::Run = config.variant_of()?;
    let numbers = config.pick(QUICK_NUMBERS, BOOK_NUMBERS);
    let python = match python::find() {
        Some(path) => {
            let deadline = python::deadline(config);
            Some(run_python(&path, &numbers, deadline)?)
        }
        None => None,
    };
    let rust = run_rust(&numbers, 3, config.budget() * 2)?;
    Ok(side_by_side(config, &numbers, python, rust))
}
