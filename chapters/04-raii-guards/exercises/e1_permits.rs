//! Exercise 4.1: a counting semaphore whose permit is a guard.
//!
//! A [`Semaphore`] holds `n` permits. [`Semaphore::acquire`] must wait until one is free and
//! hand it out as a [`Permit`]; dropping the `Permit` must give it back and wake one waiter.
//! Because the return happens in `Drop`, no exit — early return, `?`, panic — can forget it.
//!
//! The grader (`cargo xtask exercise check 4.1`) checks: never more than `n` holders at once,
//! every permit back after the workers finish, and a waiter woken when a permit returns — on
//! real threads under a watchdog, and across many schedules under the shuttle model checker.

use std::sync::PoisonError;

use common::sync::{Condvar, Mutex};

/// A counting semaphore: at most `capacity` permits out at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    returned: Condvar,
    capacity: usize,
}

/// One permit, held until dropped.
#[derive(Debug)]
#[must_use = "a permit is returned as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `capacity` permits, all free.
    pub fn new(capacity: usize) -> Self {
        Self {
            free: Mutex::new(capacity),
            returned: Condvar::new(),
            capacity,
        }
    }

    /// Waits until a permit is free, takes it, and returns it as a guard.
    pub fn acquire(&self) -> Permit<'_> {
        // TODO: lock `self.free`; while it is 0, wait on `self.returned` (a `while`, not an
        // `if`: wake-ups can be spurious); then take one permit and return
        // `Permit { semaphore: self }`.
        let _ = &self.returned;
        todo!()
    }

    /// Permits free right now.
    pub fn available(&self) -> usize {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Permits in all.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // TODO: give the permit back to `self.semaphore` (add one to `free`) and wake one
        // waiter with `notify_one`.
        let _ = self.semaphore;
        todo!()
    }
}
