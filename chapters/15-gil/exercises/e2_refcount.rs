//! Exercise 15.2 — a reference count that threads can share without a GIL.
//!
//! CPython's reference counts are plain loads and stores, safe only because the GIL lets one
//! thread at a time update them. `cargo run -p chapter-15 -- run reference-counting --variant
//! broken` shows what happens to such a count when two threads update it with no GIL: updates are
//! lost. Write the count Rust's `Arc` keeps instead: `retain` adds one, `release` takes one away
//! and returns true for exactly the call that reached zero, `get` reads it. Each update must be
//! one indivisible atomic read-modify-write.
//!
//! What the grader checks (`cargo xtask exercise check 15.2`):
//! - four threads doing many retain/release pairs on one count leave it at exactly 1;
//! - across threads, `release` returns true exactly once, when the last reference goes, also
//!   when two threads drop the last two references at the same moment;
//! - under the shuttle model checker, no schedule loses an update or frees twice.

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
        // TODO: add one reference to `self.count`, as one indivisible update.
        todo!("add one reference atomically")
    }

    /// Drops a reference (`Py_DECREF`, dropping an `Arc`). Returns true for exactly one call: the
    /// one that took the count to zero, whose caller must free the object.
    pub fn release(&self) -> bool {
        // TODO: take one reference away, as one indivisible update, and return whether this
        // call was the one that took the count to zero.
        todo!("drop one reference atomically; true if it was the last")
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
