//! A wrong approximate counter for exercise 16.1.
//!
//! Wrong: `read` adds the local counts to the global one while holding the global lock, which
//! takes the locks in the opposite order to `increment` (a deadlock) and is not the global
//! count alone.
//! Caught: each hold a lock the other waits for

use crate::padded::Padded;
use crate::sync::{Mutex, lock};

/// A counter for `threads` threads, approximate to within `threads × (threshold − 1)`.
#[derive(Debug)]
pub struct ApproximateCounter {
    /// The count every read sees.
    global: Mutex<u64>,
    /// One local count per thread, each on its own cache line so that threads updating their
    /// own counts do not fight over one line of memory (false sharing).
    locals: Vec<Padded<Mutex<u64>>>,
    /// A local count moves to the global one when it reaches this.
    threshold: u64,
}

impl ApproximateCounter {
    /// A counter for `threads` threads (at least 1) moving local counts at `threshold` (at
    /// least 1; 1 moves every increment, like a single-lock counter).
    pub fn new(threads: usize, threshold: u64) -> Self {
        Self {
            global: Mutex::new(0),
            locals: (0..threads.max(1)).map(|_| Padded(Mutex::new(0))).collect(),
            threshold: threshold.max(1),
        }
    }

    /// Adds one for thread `thread` (thread numbers wrap around the number of local counts).
    pub fn increment(&self, thread: usize) {
        let mut local = lock(&self.locals[thread % self.locals.len()]);
        *local += 1;
        if *local >= self.threshold {
            *lock(&self.global) += *local;
            *local = 0;
        }
    }

    /// The count, exact: the global count plus what every thread still holds, read under the
    /// global lock so that no count moves while they are added up.
    pub fn read(&self) -> u64 {
        let global = lock(&self.global);
        *global + self.locals.iter().map(|local| *lock(local)).sum::<u64>()
    }

    /// Counts held locally right now, not yet in the global count: what a read misses. Each
    /// local count is read under its own lock, one after the other.
    pub fn pending(&self) -> u64 {
        self.locals.iter().map(|local| *lock(local)).sum()
    }

    /// Moves every local count into the global one: afterwards, with no thread incrementing, a
    /// read is exact.
    pub fn flush(&self) {
        for local in &self.locals {
            let mut local = lock(local);
            *lock(&self.global) += *local;
            *local = 0;
        }
    }

    /// The most a read can miss: `threads × (threshold − 1)`.
    pub fn error_bound(&self) -> u64 {
        self.locals.len() as u64 * (self.threshold - 1)
    }

    /// The threshold.
    pub fn threshold(&self) -> u64 {
        self.threshold
    }
}
