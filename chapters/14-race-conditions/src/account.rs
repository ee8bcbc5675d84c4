//! The bank account of `check-then-act`: a balance behind a lock, which the example's
//! withdrawals and exercise 14.2's [`crate::withdrawal::withdraw`] all take.
//!
//! A leaf module: the example calls the exercise's withdrawal, and both need the account, so
//! the account lives apart from either and neither imports the other back.

use std::cell::Cell;
use std::ops::{Deref, DerefMut};

use common::sync::{Mutex, MutexGuard};

/// A bank account whose balance lives behind a lock.
#[derive(Debug)]
pub struct Account {
    balance: Mutex<i64>,
}

impl Account {
    /// An account holding `opening`.
    pub fn new(opening: i64) -> Self {
        Self {
            balance: Mutex::new(opening),
        }
    }

    /// Locks the balance. Hold the guard for as long as what you do must not be interleaved.
    pub fn lock(&self) -> AccountGuard<'_> {
        // A customer who panicked mid-withdrawal left a plain number behind: keep going.
        let guard = common::sync::lock(&self.balance);
        HOLDING.set(true);
        AccountGuard(guard)
    }

    /// The balance now (takes and releases the lock).
    pub fn balance(&self) -> i64 {
        *self.lock()
    }

    /// Whether someone holds the lock right now; never waits. Exercise 14.2's grader asks it
    /// from inside `between` to see that one guard spans the check and the act.
    pub fn is_locked(&self) -> bool {
        self.balance.try_lock().is_err()
    }
}

thread_local! {
    /// Whether this thread holds an account's lock now: what [`held_by_this_thread`] reads.
    static HOLDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread holds an account's lock: the forced window of `check-then-act`
/// asks, because a customer who holds it cannot wait for the others to check — they wait for it.
pub fn held_by_this_thread() -> bool {
    HOLDING.get()
}

/// The balance, locked: a `MutexGuard` that also tells [`held_by_this_thread`] who holds it.
#[derive(Debug)]
pub struct AccountGuard<'a>(MutexGuard<'a, i64>);

impl Deref for AccountGuard<'_> {
    type Target = i64;
    fn deref(&self) -> &i64 {
        &self.0
    }
}

impl DerefMut for AccountGuard<'_> {
    fn deref_mut(&mut self) -> &mut i64 {
        &mut self.0
    }
}

impl Drop for AccountGuard<'_> {
    fn drop(&mut self) {
        HOLDING.set(false);
    }
}
