//! A wrong split for exercise 2.2.
//!
//! Wrong: every chunk is `len / workers` long, so the `len % workers` integers at the end of the range are never tested.
//! Caught: never tested

use std::ops::Range;
use std::time::Instant;

pub use crate::split::{Split, WorkerTiming};

/// Counts the integers in `range` for which `test` holds, on `workers` threads (at least one).
pub fn split_count<F>(range: Range<u64>, workers: usize, test: &F) -> Split
where
    F: Fn(u64) -> bool + Sync,
{
    let workers = workers.max(1);
    let len = range.end.saturating_sub(range.start);
    let size = len / workers as u64;
    let chunks: Vec<Range<u64>> = (0..workers as u64)
        .map(|i| range.start + i * size..range.start + (i + 1) * size)
        .collect();
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
