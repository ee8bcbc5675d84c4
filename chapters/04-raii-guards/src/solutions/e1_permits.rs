//! Exercise 4.1 (reference solution): a counting semaphore whose permit is a guard.
//!
//! A [`Semaphore`] holds `n` permits. [`Semaphore::acquire`] waits until one is free and hands
//! it out as a [`Permit`]; dropping the `Permit` gives it back and wakes one waiter. Because the
//! return happens in `Drop`, no exit — early return, `?`, panic — can forget it: the same
//! promise as the book's `with` statement, for a resource the language knows nothing about.
//! Python's `threading.Semaphore` supports `with sem:` for exactly this reason.
//!
//! Checked by `tests/exercise_4_1.rs`: never more than `n` holders at once, every permit back
//! after the workers finish, a waiter woken when a permit returns (or the watchdog, or shuttle,
//! reports the hang). The `custom-guard` example uses this module.
//!
//! [`Semaphore::acquire`]: crate::permits::Semaphore::acquire
//! [`Semaphore`]: crate::permits::Semaphore
//! [`Permit`]: crate::permits::Permit

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
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .returned
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit { semaphore: self }
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
        let mut free = self
            .semaphore
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.semaphore.returned.notify_one();
    }
}
