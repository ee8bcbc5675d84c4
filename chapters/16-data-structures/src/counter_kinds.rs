//! The four shared counters the `counters` example times, behind one trait: one `Mutex`, one
//! atomic, one atomic per thread (sharded), and exercise 16.1's approximate counter. The
//! benches (`benches/counters.rs`) time single operations of the same types.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::approximate_counter::ApproximateCounter;
use crate::padded::Padded;

/// A counter many threads increment; `thread` is the caller's thread number.
pub trait Counter: Send + Sync {
    /// Adds one.
    fn increment(&self, thread: usize);
    /// The count as a reader sees it (exact for some counters, approximate for others).
    fn read(&self) -> u64;
    /// The exact count once every thread has stopped.
    fn settle(&self) -> u64 {
        self.read()
    }
}

/// One count behind one lock (the book's `LockedCounter`).
#[derive(Debug, Default)]
pub struct MutexCounter(std::sync::Mutex<u64>);

impl Counter for MutexCounter {
    fn increment(&self, _thread: usize) {
        *crate::sync::lock_std(&self.0) += 1;
    }
    fn read(&self) -> u64 {
        *crate::sync::lock_std(&self.0)
    }
}

/// One atomic count.
#[derive(Debug, Default)]
pub struct AtomicCounter(AtomicU64);

impl Counter for AtomicCounter {
    fn increment(&self, _thread: usize) {
        // Relaxed: a counter needs each increment to be atomic, not ordered with other memory;
        // the threads' join makes every increment visible to the final read.
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    fn read(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One atomic count per thread, each on its own cache line; a read sums them.
#[derive(Debug)]
pub struct ShardedCounter(Vec<Padded<AtomicU64>>);

impl ShardedCounter {
    /// A counter with one shard per thread.
    pub fn new(threads: usize) -> Self {
        Self((0..threads.max(1)).map(|_| Padded::default()).collect())
    }
}

impl Counter for ShardedCounter {
    fn increment(&self, thread: usize) {
        self.0[thread % self.0.len()].fetch_add(1, Ordering::Relaxed);
    }
    fn read(&self) -> u64 {
        self.0
            .iter()
            .map(|shard| shard.load(Ordering::Relaxed))
            .sum()
    }
}

impl Counter for ApproximateCounter {
    fn increment(&self, thread: usize) {
        ApproximateCounter::increment(self, thread);
    }
    fn read(&self) -> u64 {
        ApproximateCounter::read(self)
    }
    fn settle(&self) -> u64 {
        self.flush();
        ApproximateCounter::read(self)
    }
}
