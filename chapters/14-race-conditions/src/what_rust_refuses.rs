//! What Rust refuses: the data races that do not compile, and what compiles instead.
//!
//! The book's races (example1) are *race conditions*: a bad interleaving of operations that are
//! each fine. A *data race* is lower down: two threads touch the same memory at once, at least
//! one writing, without synchronization — undefined behaviour in Rust and C, a torn or lost write
//! in practice. Safe Rust rejects data races at compile time, through two rules:
//!
//! - one `&mut` at a time: two threads cannot both hold a mutable borrow of one `Vec`;
//! - `Send` and `Sync`: a type may cross to another thread only if it is `Send`, and be shared
//!   by reference only if it is `Sync`. `Rc` (a non-atomic reference count) is neither; `Cell`
//!   (mutation through `&`, with no lock) is not `Sync`.
//!
//! The compile-fail tests in `tests/compile-fail/` hold one program per refusal, with rustc's
//! exact error beside it (`*.stderr`); `tests/compile_fail.rs` runs them with `trybuild`. This
//! example prints the lesson and runs the versions that *do* compile — a `Mutex<Vec>`, an `Arc`,
//! an `AtomicU64` — to show they count right. What Rust cannot refuse is the race condition of
//! `lost-updates` and `check-then-act`: atomic steps in a bad order are safe Rust.
//!
//! Run: `cargo run -p chapter-14 -- run what-rust-refuses`; then
//! `cargo test -p chapter-14 --test compile_fail` to see the compiler refuse the three races.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use common::{Outcome, RunConfig, TableData, Verdict};

common::variants! {
    /// The example's one variant: the lesson, told once.
    pub enum Lesson {
        /// The refused programs, rustc's errors, and what compiles instead.
        Explained = "explained": "the lesson, rustc's errors, and the fixes run on two threads",
    }
}

/// One refusal: the race, the compile-fail file, rustc's error, and what compiles instead.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    /// The race, in words.
    pub race: &'static str,
    /// The program rustc rejects, under `tests/compile-fail/`.
    pub file: &'static str,
    /// The error code and the first line of rustc's message.
    pub error: &'static str,
    /// The rule it enforces, in one line.
    pub why: &'static str,
    /// The fix that compiles.
    pub instead: &'static str,
}

/// The three refusals, in the order of `tests/compile-fail/`.
pub const REFUSALS: [Refusal; 3] = [
    Refusal {
        race: "two threads push to one Vec, no lock",
        file: "tests/compile-fail/vec_two_threads.rs",
        error: "E0499: cannot borrow `log` as mutable more than once at a time",
        why: "each thread's closure needs `&mut log`; only one `&mut` may exist at a time",
        instead: "Mutex<Vec<u64>>: each push under the lock",
    },
    Refusal {
        race: "an Rc cloned into another thread",
        file: "tests/compile-fail/rc_to_thread.rs",
        error: "E0277: `Rc<String>` cannot be sent between threads safely",
        why: "Rc's count is not atomic (Rc is !Send): two threads cloning it would lose counts",
        instead: "Arc<String>: an atomic reference count",
    },
    Refusal {
        race: "a Cell shared by two threads",
        file: "tests/compile-fail/cell_across_threads.rs",
        error: "E0277: `Cell<u64>` cannot be shared between threads safely",
        why: "Cell mutates through `&` without a lock (Cell is !Sync): get-then-set would race",
        instead: "AtomicU64: fetch_add through `&`",
    },
];

/// How many items each of the two threads adds in the demos.
pub const PER_THREAD: u64 = 10_000;

/// The `Vec` fix: two scoped threads push under one lock. Returns the Vec's length.
pub fn vec_under_a_mutex() -> usize {
    let log = Mutex::new(Vec::new());
    thread::scope(|s| {
        for who in 0..2 {
            let log = &log;
            s.spawn(move || {
                for i in 0..PER_THREAD {
                    log.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(who * PER_THREAD + i);
                }
            });
        }
    });
    log.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .len()
}

/// The `Rc` fix: two threads each clone and drop an `Arc` many times. Returns the strong count
/// afterwards (1: every clone was counted and every drop uncounted).
pub fn arc_across_threads() -> usize {
    let shared = Arc::new(String::from("shared"));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let mine = Arc::clone(&shared);
            thread::spawn(move || {
                for _ in 0..PER_THREAD {
                    drop(std::hint::black_box(Arc::clone(&mine)));
                }
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
    }
    Arc::strong_count(&shared)
}

/// The `Cell` fix: two scoped threads bump one `AtomicU64` through `&`. Returns the count.
pub fn atomic_instead_of_cell() -> u64 {
    let hits = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..PER_THREAD {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    hits.into_inner()
}

/// On one thread, `Rc` and `Cell` are fine: the refusal is about threads, not the types.
pub fn single_threaded_is_fine() -> (usize, u64) {
    let shared = Rc::new(String::from("one thread"));
    let count = Rc::clone(&shared);
    let hits = Cell::new(0u64);
    for _ in 0..PER_THREAD {
        hits.set(hits.get() + 1);
    }
    (Rc::strong_count(&count), hits.get())
}

/// Runs the example: the lesson, the errors, and the fixes' results.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Lesson::Explained = config.variant_of()?;
    let results = [
        (vec_under_a_mutex() as u64, 2 * PER_THREAD, "items"),
        (arc_across_threads() as u64, 1, "strong count"),
        (atomic_instead_of_cell(), 2 * PER_THREAD, "hits"),
    ];
    let (rc_count, cell_hits) = single_threaded_is_fine();

    let mut table = TableData::new(
        "Refused at compile time → what compiles instead, run on two threads",
        &[
            "the race",
            "rustc says",
            "compiles instead",
            "result",
            "right",
        ],
    );
    let mut all_right = true;
    for (refusal, (got, want, unit)) in REFUSALS.iter().zip(results) {
        all_right &= got == want;
        table.row([
            refusal.race.to_string(),
            refusal.error.to_string(),
            refusal.instead.to_string(),
            common::format::counted(got, unit),
            common::format::yes_no(got == want).to_string(),
        ]);
    }
    all_right &= rc_count == 2 && cell_hits == PER_THREAD;

    let mut outcome = config.outcome(Verdict::from(all_right)).line(
        "A data race (unsynchronized access, one side writing) does not compile in safe Rust:",
    );
    for refusal in &REFUSALS {
        outcome = outcome.line(format!("  {} — {}", refusal.file, refusal.why));
    }
    Ok(outcome
        .line("See rustc refuse them: cargo test -p chapter-14 --test compile_fail (errors in tests/compile-fail/*.stderr).")
        .line(format!(
            "On one thread Rc and Cell are fine (count {rc_count}, {}): the refusal is about sharing across threads.",
            common::format::counted(cell_hits, "hits")
        ))
        .line("What compiles and is still wrong: a race condition, atomic steps in a bad order (lost-updates, check-then-act).")
        .table(table)
        .count("refusals", REFUSALS.len(), "programs").as_key()
        .count("Vec under a Mutex", results[0].0, "items")
        .count("Arc strong count after", results[1].0, "")
        .count("AtomicU64 hits", results[2].0, "hits")
        .notice("the compiler stops data races; race conditions are logic, and need the right atomic step or lock"))
}
