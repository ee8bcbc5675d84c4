//! A wrong semaphore for exercise 4.1.
//!
//! Wrong: waits with `if` instead of `while`, so a woken thread takes a permit another thread took in the meantime and the count goes below zero.
//! Caught: went below zero

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
        if *free == 0 {
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
