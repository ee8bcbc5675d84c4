//! A wrong split for exercise 2.2.
//!
//! Wrong: each thread sends its `WorkerTiming` down a channel, and the results are collected in the order they arrive: the order the threads finish, not chunk order.
//! Caught: in chunk order

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
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for chunk in chunks {
            let tx = tx.clone();
            s.spawn(move || {
                let started = Instant::now();
                let hits = chunk.clone().filter(|&n| test(n)).count();
                let timing = WorkerTiming {
                    chunk,
                    hits,
                    elapsed: started.elapsed(),
                };
                tx.send(timing).expect("the caller is still receiving");
            });
        }
    });
    drop(tx);
    let timings: Vec<WorkerTiming> = rx.into_iter().collect();
    Split {
        hits: timings.iter().map(|t| t.hits).sum(),
        workers: timings,
    }
}
