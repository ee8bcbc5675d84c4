//! Exercise 2.2 — split a workload across N threads and time each one.
//!
//! The book hands each integer to a `ProcessPoolExecutor`, because CPython's threads cannot run
//! Python code on two cores at once (the GIL). Rust threads can, so a plain split will do: cut
//! `range` into `workers` contiguous chunks whose lengths differ by at most one (the longer
//! chunks first), run each chunk on its own thread from `std::thread::scope` (scoped threads may
//! borrow `test`), and have each thread count the integers of its chunk that pass `test` and time
//! its own work.
//!
//! What the grader checks (`cargo xtask exercise check 2.2`), on real threads under a watchdog:
//! - the total is right (the 34 primes among the book's 1,000 integers from 10^13, and more);
//! - one `WorkerTiming` per worker, in chunk order (even when the first chunk's thread finishes
//!   last), chunks contiguous and covering the range,
//!   lengths differing by at most one with the longer ones first, each worker's `hits` right for
//!   its chunk, and every integer tested exactly once;
//! - each worker's `elapsed` includes its own work and is no longer than the whole call;
//! - every chunk runs on its own thread, and the threads run at the same time (they meet at a
//!   barrier: run them one after another and they wait forever, which the watchdog reports).

use std::ops::Range;
use std::time::Duration;

/// What one worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerTiming {
    /// The integers it was given.
    pub chunk: Range<u64>,
    /// How many of them passed the test.
    pub hits: usize,
    /// How long it took, from its first test to its last.
    pub elapsed: Duration,
}

/// The result of a split run: the total count of hits and each worker's part, in chunk order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// How many integers in the range passed the test.
    pub hits: usize,
    /// One entry per worker, in the order of their chunks.
    pub workers: Vec<WorkerTiming>,
}

/// Counts the integers in `range` for which `test` holds, on `workers` threads (at least one):
/// contiguous chunks, lengths differing by at most one, one thread each, each timed.
pub fn split_count<F>(range: Range<u64>, workers: usize, test: &F) -> Split
where
    F: Fn(u64) -> bool + Sync,
{
    // TODO: cut `range` into `workers.max(1)` contiguous chunks whose lengths differ by at most
    // one, the longer ones first.
    // TODO: run every chunk on its own scoped thread, all at the same time; each thread counts
    // the hits in its chunk and times its own work.
    // TODO: return the total and one `WorkerTiming` per chunk, in chunk order.
    let _ = (range, workers, test);
    todo!("split the range across scoped threads")
}
