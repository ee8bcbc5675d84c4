//! A lock that an error leaves locked, and the guard that makes that impossible.
//!
//! Mirrors the book's `Chapter04/example2.py`. Its v1 calls `my_lock.acquire()`, then opens a
//! file that does not exist: the exception skips `my_lock.release()`, the lock stays locked, and
//! the program's final `my_lock.acquire()` blocks forever. Its v2 writes
//! `with my_lock, open(...) as f:`, and the lock is released however the block is left.
//!
//! - `manual-release` is v1 in Rust. A `MutexGuard` would unlock on the error path by itself, so
//!   to get Python's manual lock the guard is wrapped in [`ManuallyDrop`]: nothing releases it
//!   but the explicit `drop(ManuallyDrop::into_inner(..))` at the end — the `release()` line —
//!   which the `?` skips. The final acquire then waits for a lock its own thread holds; the
//!   book's program hangs there, here the watchdog finds the one-thread wait-for cycle, reports
//!   it and ends the wait.
//! - `guard` is v2: the guard is an ordinary local, the `?` returns early, the guard is dropped
//!   on the way out and the final acquire succeeds at once. A table then checks every way out
//!   of a locked scope — normal end, early `return`, `?`, panic — and finds the lock free after
//!   each (after the panic it is free but poisoned: see the `poisoning` example).
//!
//! Run: `cargo run -p chapter-4 -- run guards`. Expect: `manual-release` reports "main holds
//! my_lock and waits for my_lock" within about 0.1 s; `guard` reports the lock free after all
//! four exits.

use std::mem::ManuallyDrop;
use std::num::ParseIntError;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::Duration;

use common::deadlock::{Abandoned, LockGraph, TrackedMutex};
use common::watchdog::{Ending, GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict, format};

common::variants! {
    /// How the lock is released: the two versions of the book's `get_data_from_file`.
    pub enum Release {
        /// `acquire()` ... `release()`: an error in between skips the release (the book's v1).
        Manual = "manual-release": "acquire(), an error, and the release() that never runs (the book's v1)",
        /// A guard that releases on drop, however the scope is left (the book's v2, `with`).
        Guard = "guard": "the guard unlocks on every exit: normal, early return, `?`, panic (the book's v2)",
    }
}

/// Why `get_data_from_file` failed.
#[derive(Debug)]
pub enum GetDataError {
    /// The file could not be read (the book's `FileNotFoundError`).
    Io(std::io::Error),
    /// The watchdog abandoned the wait for the lock.
    Abandoned,
}

impl From<std::io::Error> for GetDataError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<Abandoned> for GetDataError {
    fn from(_: Abandoned) -> Self {
        Self::Abandoned
    }
}

/// The book's `get_data_from_file_v1` / `_v2`: lock, read the file, append its text to the data.
pub fn get_data_from_file(
    data: &TrackedMutex<Vec<String>>,
    path: &Path,
    how: Release,
) -> Result<(), GetDataError> {
    match how {
        Release::Manual => {
            let mut held = ManuallyDrop::new(data.lock()?); // my_lock.acquire()
            let text = std::fs::read_to_string(path)?; // FileNotFoundError: `?` returns here...
            held.push(text);
            drop(ManuallyDrop::into_inner(held)); // ...so my_lock.release() never runs
        }
        Release::Guard => {
            let mut held = data.lock()?; // with my_lock:
            let text = std::fs::read_to_string(path)?; // `?` returns here, dropping `held`
            held.push(text);
        } // the end of the `with` block: `held` is dropped, the lock released
    }
    Ok(())
}

/// The book's main program: call `get_data_from_file` on a missing file, report the error, then
/// acquire the lock once more. Returns the error message it printed.
pub fn book_main(
    data: &TrackedMutex<Vec<String>>,
    missing: &Path,
    how: Release,
    ctx: &WorkerCtx,
) -> Result<String, Abandoned> {
    let message = match get_data_from_file(data, missing, how) {
        Err(GetDataError::Io(e)) => format!("File could not be found... ({e})"),
        Err(GetDataError::Abandoned) => return Err(Abandoned),
        Ok(()) => "the file was read".to_string(),
    };
    let _again = data.lock()?; // my_lock.acquire(): hangs forever in the book's v1
    ctx.progress(); // print('Lock acquired.')
    Ok(message)
}

/// A path that does not exist (the book's `output2/sample0.txt`, which its repository lacks).
pub fn missing_file() -> PathBuf {
    std::env::temp_dir()
        .join(format!("chapter-4-missing-{}", std::process::id()))
        .join("sample0.txt")
}

/// Runs the book's main program on one thread named `main` under the watchdog.
pub fn run_book_main(how: Release, budget: Duration) -> GroupReport<Result<String, Abandoned>> {
    let graph = LockGraph::new();
    let data = Arc::new(graph.mutex("my_lock", Vec::new()));
    let missing = missing_file();
    let workers = vec![worker("main", move |ctx: &WorkerCtx| {
        book_main(&data, &missing, how, ctx)
    })];
    Watchdog::new(budget)
        .stall_after(budget / 4)
        .with_lock_graph(&graph)
        .run(workers)
}

/// The ways out of a scope that holds a guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The scope runs to its end.
    Normal,
    /// `return` from the middle.
    EarlyReturn,
    /// `?` propagates an error.
    QuestionMark,
    /// A panic unwinds through it.
    Panic,
}

/// Every exit, in table order.
pub const EXITS: [Exit; 4] = [
    Exit::Normal,
    Exit::EarlyReturn,
    Exit::QuestionMark,
    Exit::Panic,
];

impl Exit {
    /// A short name for the table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "end of scope",
            Self::EarlyReturn => "early return",
            Self::QuestionMark => "`?` on an error",
            Self::Panic => "panic",
        }
    }
}

/// Locks `counter`, bumps it, and leaves by `exit`.
fn leave_by(counter: &Mutex<u32>, exit: Exit) -> Result<u32, ParseIntError> {
    let mut guard = counter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *guard += 1;
    match exit {
        Exit::Normal => {}
        Exit::EarlyReturn => return Ok(0),
        Exit::QuestionMark => {
            let n: u32 = "not a number".parse()?;
            *guard += n;
        }
        // `resume_unwind` unwinds like a panic (and poisons the lock) without printing a
        // panic message over the tour's output.
        Exit::Panic => resume_unwind(Box::new("deliberate panic while holding the lock")),
    }
    Ok(*guard)
}

/// Whether the lock was free again after leaving by `exit`, and whether it was poisoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterExit {
    /// The exit taken.
    pub exit: Exit,
    /// `try_lock` got the lock afterwards.
    pub released: bool,
    /// The lock was poisoned (only a panic does that).
    pub poisoned: bool,
}

/// Leaves a locked scope by `exit`, then checks whether the lock is free.
pub fn check_exit(exit: Exit) -> AfterExit {
    let counter = Mutex::new(0);
    let _ = catch_unwind(AssertUnwindSafe(|| leave_by(&counter, exit)));
    let (released, poisoned) = match counter.try_lock() {
        Ok(_) => (true, false),
        Err(TryLockError::Poisoned(_)) => (true, true),
        Err(TryLockError::WouldBlock) => (false, false),
    };
    AfterExit {
        exit,
        released,
        poisoned,
    }
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let how = config.variant_of::<Release>()?;
    let report = run_book_main(how, config.budget());
    let message = match report.results().first() {
        Some(Some(Ok(message))) => message.clone(),
        _ => "File could not be found... (then the final acquire never returned)".to_string(),
    };
    let outcome = match (&report.ending, how) {
        (Ending::Deadlock(cycle), Release::Manual) => {
            let mut outcome = config.outcome(Verdict::Showed)
                .line("main: acquire(), read a missing file -> error, `?` returned before release().")
                .line("main: the book's final my_lock.acquire() then waited for a lock it held itself:");
            for line in cycle.lines() {
                outcome = outcome.line(format!("  {line}"));
            }
            outcome
                .line("The book's program hangs here forever; the watchdog ended the wait.")
                .duration("hang detected after", report.ended_after)
                .as_key()
                .notice("a release() that an error can skip is a release that will be skipped")
        }
        (Ending::Finished, Release::Guard) if report.total_progress() == 1 => {
            let mut table = TableData::new(
                "Every way out of a locked scope, then try_lock",
                &["exit", "lock free afterwards", "poisoned"],
            );
            let exits = EXITS.map(check_exit);
            for after in &exits {
                table.row([
                    after.exit.name().to_string(),
                    format::yes_no(after.released).to_string(),
                    format::yes_no(after.poisoned).to_string(),
                ]);
            }
            let free = exits.iter().filter(|a| a.released).count();
            config.outcome(Verdict::from(free == EXITS.len()))
                .line(format!("main: {message}"))
                .line("main: the `?` dropped the guard on its way out; the final lock() returned at once.")
                .count("exits that released the lock", free, "of 4").as_key()
                .table(table)
                .notice("a MutexGuard is `with lock:` that cannot be forgotten: every exit drops it")
        }
        _ => config
            .outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .notice(match how {
                Release::Manual => "the skipped release did not show as a hang",
                Release::Guard => "the guarded version did not finish",
            }),
    };
    Ok(outcome)
}
