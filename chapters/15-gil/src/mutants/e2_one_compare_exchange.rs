//! A wrong `SharedCount` for exercise 15.2.
//!
//! Wrong: uses `compare_exchange` once and ignores its failure, so an update that loses the race is
//! dropped instead of retried.
//! Caught: an update was lost

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
        let n = self.count.load(Ordering::Relaxed);
        let _ = self
            .count
            .compare_exchange(n, n + 1, Ordering::AcqRel, Ordering::Relaxed);
    }

    /// Drops a reference (`Py_DECREF`, dropping an `Arc`). Returns true for exactly one call: the
    /// one that took the count to zero, whose caller must free the object.
    pub fn release(&self) -> bool {
        let n = self.count.load(Ordering::Acquire);
        let _ =
            self.count
                .compare_exchange(n, n.wrapping_sub(1), Ordering::AcqRel, Ordering::Relaxed);
        n == 1
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
