//! Reference solution of exercise 15.2: a reference count that threads can share.
//!
//! CPython keeps a count in every object; each new reference adds one, each dropped reference
//! takes one away, and the object is freed when the count reaches zero. Those updates are plain
//! loads and stores: correct only because the GIL lets one thread at a time touch them. Without
//! the GIL, two threads updating the same count can lose an update (`reference-counting
//! --variant broken` measures it): the object is freed while still in use, or leaks.
//!
//! The fix Rust's `Arc` uses, and the one written here: make each update one indivisible
//! read-modify-write (`fetch_add`, `fetch_sub`). `Relaxed` suffices to add a reference (the
//! thread already holds one, so the object cannot vanish under it); the decrement is `AcqRel` so
//! that the thread freeing the object sees every other thread's last use of it.
//!
//! Run `cargo xtask exercise check 15.2` to grade your own version in `exercises/`.

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
        self.count.fetch_sub(1, Ordering::AcqRel) == 1
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
