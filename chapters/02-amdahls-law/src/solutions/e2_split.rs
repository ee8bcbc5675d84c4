//! Exercise 2.2, reference solution: split a range of work across N scoped threads and time each.
//!
//! The range is cut into `workers` contiguous chunks whose lengths differ by at most one; each
//! chunk runs on its own thread from `std::thread::scope` (which may borrow `test` because the
//! scope joins every thread before it returns); each thread times itself. No lock, no channel:
//! every thread returns its own result through its join handle. Rust needs no process pool for
//! CPU-bound work: there is no global interpreter lock, so threads run on every core at once.
//!
//! The examples `amdahl`, `gustafson` and `plot` use this for their parallel part. Starter:
//! `exercises/e2_split.rs`; grading suite: `tests/exercise_2_2.rs`.

use std::ops::Range;
use std::time::{Duration, Instant};

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
    let workers = workers.max(1);
    let len = range.end.saturating_sub(range.start);
    let (base, extra) = (len / workers as u64, len % workers as u64);
    let mut chunks = Vec::with_capacity(workers);
    let mut start = range.start;
    for i in 0..workers as u64 {
        let size = base + u64::from(i < extra);
        chunks.push(start..start + size);
        start += size;
    }
    let timings: Vec<WorkerTiming> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let started = Instant::now();
                    let hits = chunk.clone().filter(|&n| test(n)).count();
                    WorkerTiming {
                        chunk,
                        hits,
                        elapsed: started.elapsed(),
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    Split {
        hits: timings.iter().map(|t| t.hits).sum(),
        workers: timings,
    }
}
