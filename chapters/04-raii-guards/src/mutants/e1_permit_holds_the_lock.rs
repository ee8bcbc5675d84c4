//! A wrong semaphore for exercise 4.1.
//!
//! Wrong: the `Permit` keeps the count's `MutexGuard` (a guard, like a permit), so the lock is held as long as the permit: one holder at a time whatever the capacity, and a thread that takes a second permit blocks on its own lock.
//! Caught: taking 2 of 2 free permits blocked

use std::sync::PoisonError;

use common::sync::{Condvar, Mutex, MutexGuard};

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
    free: MutexGuard<'a, usize>,
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
        Permit {
            semaphore: self,
            free,
        }
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
        *self.free += 1;
        self.semaphore.returned.notify_one();
    }
}
