//! A wrong `SharedCount` for exercise 15.2.
//!
//! Wrong: compares what `fetch_sub` returns with 0, but it returns the value before the subtraction, so
//! the call that reaches zero says false.
//! Caught: returned false for the call that took the count to zero

use common::sync::atomic::{AtomicUsize, Ordering};

/// A reference count shared by threads: starts at 1 (its creator's reference).
#[derive(Debug)]
pub struct SharedCount {
    count: AtomicUsize,
}

impl SharedCount {
    /// A count of 1.
    pub fn new() -> Self {
        Self {
            count: AtomicUsize::new(1),
        }
    }

    /// Adds a reference (`Py_INCREF`, `Arc::clone`).
    pub fn retain(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops a reference (`Py_DECREF`, dropping an `Arc`). Returns true for exactly one call: the
    /// one that took the count to zero, whose caller must free the object.
    pub fn release(&self) -> bool {
        self.count.fetch_sub(1, Ordering::AcqRel) == 0
    }

    /// The count now (`sys.getrefcount`, `Arc::strong_count`).
    pub fn get(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

impl Default for SharedCount {
    fn default() -> Self {
        Self::new()
    }
}
