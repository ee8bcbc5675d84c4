//! Poisoning: what a guard does when a panic unwinds through it.
//!
//! A guard releases its lock even on panic (see `guards`). But the panicking thread may have
//! been half-way through an update: the data behind the lock can be inconsistent. Python's
//! `with lock:` releases and says nothing. `std::sync::Mutex` releases *and* marks itself
//! poisoned: every later `lock()` returns `Err(PoisonError)`, so the next locker must decide.
//! It can take the data anyway with `PoisonError::into_inner`, repair it, and call
//! `Mutex::clear_poison` so later lockers see an ordinary lock again.
//!
//! - `std`: a thread moves money between two accounts, panics after the debit and before the
//!   credit. The next locker gets `PoisonError`, sees the total is wrong, repairs it, clears the
//!   poison; the locker after that gets `Ok`.
//! - `parking-lot`: the same panic under `parking_lot::Mutex`, which has no poisoning: the next
//!   locker gets the lock and the broken total with no warning. (The chapter's other locks use
//!   `common::sync::lock`, which takes the data through a poison on purpose.)
//!
//! Mirrors no book example: Python has no poisoning. It completes the book's v2, which shows the
//! lock released after an exception but not what state it leaves behind.
//!
//! Run: `cargo run -p chapter-4 -- run poisoning`. Expect: `std` sees one `PoisonError`, repairs
//! the total to 200 and then locks cleanly; `parking-lot` sees no error and a total of 150.

use std::panic::resume_unwind;
use std::sync::{Arc, Mutex};
use std::thread;

use common::{Outcome, RunConfig, TableData, Verdict, format};

common::variants! {
    /// Which mutex the panicking thread holds.
    pub enum Mutexes {
        /// The standard library's, which poisons.
        Std = "std": "std::sync::Mutex: PoisonError, into_inner, repair, clear_poison",
        /// parking_lot's, which does not.
        ParkingLot = "parking-lot": "parking_lot::Mutex: no poisoning, the half-done update is silently visible",
    }
}

/// Two accounts whose total must stay [`TOTAL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounts {
    /// The first account.
    pub a: i64,
    /// The second account.
    pub b: i64,
}

/// The invariant: `a + b` is always this much.
pub const TOTAL: i64 = 200;

/// The starting balances.
pub const START: Accounts = Accounts { a: 100, b: 100 };

/// How much the transfer moves.
pub const AMOUNT: i64 = 50;

/// Debits `a`, then panics before crediting `b`: the update is half done. `resume_unwind`
/// unwinds like `panic!` (and poisons a std lock) without printing over the tour's output.
fn transfer_and_panic(accounts: &mut Accounts) {
    accounts.a -= AMOUNT;
    resume_unwind(Box::new("the transfer panicked between debit and credit"));
}

/// What the lockers after the panic saw, under std's `Mutex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdReport {
    /// The first locker after the panic got `Err(PoisonError)`.
    pub saw_poison: bool,
    /// The total it found inside the poisoned lock.
    pub total_found: i64,
    /// The total after its repair.
    pub total_repaired: i64,
    /// The locker after `clear_poison` got `Ok`.
    pub clean_after_clear: bool,
}

/// Panics inside a std lock, then recovers: `into_inner`, repair, `clear_poison`.
pub fn std_mutex() -> StdReport {
    let accounts = Arc::new(Mutex::new(START));
    let clone = Arc::clone(&accounts);
    let panicked = thread::Builder::new()
        .name("transfer".into())
        .spawn(move || {
            let mut guard = clone
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            transfer_and_panic(&mut guard);
        })
        .map(|handle| handle.join().is_err())
        .unwrap_or(false);
    assert!(panicked, "the transfer thread was meant to panic");

    let (saw_poison, total_found, total_repaired) = match accounts.lock() {
        Ok(guard) => (false, guard.a + guard.b, guard.a + guard.b),
        Err(poisoned) => {
            let mut guard = poisoned.into_inner(); // take the data anyway...
            let found = guard.a + guard.b;
            guard.b = TOTAL - guard.a; // ...repair the invariant (finish the credit)...
            (true, found, guard.a + guard.b)
        }
    };
    accounts.clear_poison(); // ...and tell later lockers the data is sound again
    StdReport {
        saw_poison,
        total_found,
        total_repaired,
        clean_after_clear: accounts.lock().is_ok(),
    }
}

/// Panics inside a `parking_lot` lock, then locks again: no error, and the total found.
pub fn parking_lot_mutex() -> i64 {
    let accounts = Arc::new(parking_lot::Mutex::new(START));
    let clone = Arc::clone(&accounts);
    let _ = thread::Builder::new()
        .name("transfer".into())
        .spawn(move || transfer_and_panic(&mut clone.lock()))
        .map(thread::JoinHandle::join);
    let guard = accounts.lock(); // no Result: parking_lot has no poisoning
    guard.a + guard.b
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let outcome = match config.variant_of::<Mutexes>()? {
        Mutexes::ParkingLot => {
            let total = parking_lot_mutex();
            config.outcome(Verdict::from(total != TOTAL))
                .line("thread `transfer` debited 50 and panicked before the credit, holding a parking_lot::Mutex.")
                .line(format!(
                    "The next lock() returned the guard with no error; the total it found: {total} (should be {TOTAL})."
                ))
                .key_figure("total seen after the panic", total as f64, "")
                .notice("parking_lot releases on panic and says nothing: check your invariants yourself")
        }
        Mutexes::Std => {
            let report = std_mutex();
            let mut table = TableData::new(
                "After the panic, under std::sync::Mutex",
                &["step", "result"],
            );
            table.row([
                "lock()",
                if report.saw_poison {
                    "error: poisoned (PoisonError)"
                } else {
                    "the guard"
                },
            ]);
            table.row([
                "total found via into_inner()",
                &format::count(report.total_found),
            ]);
            table.row([
                "total after the repair",
                &format::count(report.total_repaired),
            ]);
            table.row([
                "lock() after clear_poison()",
                if report.clean_after_clear {
                    "the guard"
                } else {
                    "error: poisoned (PoisonError)"
                },
            ]);
            let showed = report.saw_poison
                && report.total_found != TOTAL
                && report.total_repaired == TOTAL
                && report.clean_after_clear;
            config
            .outcome(Verdict::from(showed))
            .line(
                "thread `transfer` debited 50 and panicked before the credit, holding a std Mutex.",
            )
            .line("The guard released the lock on the way out, and poisoned it.")
            .key_figure(
                "total found in the poisoned lock",
                report.total_found as f64,
                "",
            )
            .table(table)
            .notice(
                "PoisonError says: a panic interrupted an update here; repair, then clear_poison",
            )
        }
    };
    Ok(outcome)
}
