//! The bank account of `check-then-act`: a balance behind a lock, which the example's
//! withdrawals and exercise 14.2's [`crate::withdrawal::withdraw`] all take.
//!
//! A leaf module: the example calls the exercise's withdrawal, and both need the account, so
//! the account lives apart from either and neither imports the other back.

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
    pub fn lock(&self) -> MutexGuard<'_, i64> {
        // A customer who panicked mid-withdrawal left a plain number behind: keep going.
        common::sync::lock(&self.balance)
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
