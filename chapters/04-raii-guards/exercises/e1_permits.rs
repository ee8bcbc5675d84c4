//! Exercise 4.1: a counting semaphore whose permit is a guard.
//!
//! A [`Semaphore`] holds `n` permits. [`Semaphore::acquire`] must wait (without spinning) until
//! one is free and hand it out as a [`Permit`]; dropping the `Permit` must give it back, and a
//! thread waiting for a permit must then get it. Because the return happens in `Drop`, no exit —
//! early return, `?`, panic — can forget it: the book's `with` statement, for a resource of your
//! own.
//!
//! What the grader checks (`cargo xtask exercise check 4.1`):
//! - `available()` counts the permits taken and given back, even by a holder that panics, and
//!   one thread can take every free permit without blocking;
//! - never more than `n` holders at once, and every permit back after the workers finish;
//! - a thread waiting for a permit is asleep (seen so in `/proc`: no CPU used while it waits),
//!   and is woken and gets the permit when it returns;
//! - a waiter is woken when a permit returns (one permit, two workers taking turns) — on real
//!   threads under a watchdog, and across many schedules under the shuttle model checker.
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
        // TODO: wait, without spinning, until a permit is free; take it and return it as a
        // `Permit`.
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
        // TODO: give the permit back to `self.semaphore`, so that a thread waiting in
        // `acquire` gets it.
        let _ = self.semaphore;
        todo!()
    }
}
