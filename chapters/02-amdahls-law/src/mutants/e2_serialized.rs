//! A wrong split for exercise 2.2.
//!
//! Wrong: spawns and joins in one iterator chain, so each thread is joined before the next is spawned and the chunks run one after another.
//! Caught: never met at the barrier

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
    let (base, extra) = (len / workers as u64, len % workers as u64);
    let mut chunks = Vec::with_capacity(workers);
    let mut start = range.start;
    for i in 0..workers as u64 {
        let size = base + u64::from(i < extra);
        chunks.push(start..start + size);
        start += size;
    }
    let timings: Vec<WorkerTiming> = std::thread::scope(|s| {
        chunks
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
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    });
    Split {
        hits: timings.iter().map(|t| t.hits).sum(),
        workers: timings,
    }
}
