//! Exercise 5.1 (reference solution) — `pool_map`: the book's `ThreadPoolExecutor.map`, written
//! with scoped threads.
//!
//! `workers` threads share one queue of work (here just the index of the next item, under a
//! lock); each takes the next item, runs `work` on it, stores the result in that item's slot and
//! goes back for more, until the queue is empty. Results come back in the items' order, whatever
//! order they finished in, and never more than `workers` calls of `work` run at once.
//!
//! Run: used by `cargo run -p chapter-5 -- run check-status --variant thread-pool`; graded by
//! `cargo xtask exercise check 5.1`. Book: chapter 5, "Thread pools" (`ThreadPoolExecutor`).

use common::sync::{Mutex, lock, thread};

/// Runs `work` on every item with at most `workers` threads and returns the results in the
/// items' order. Panics if `workers` is 0.
pub fn pool_map<T, R, F>(items: &[T], workers: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    assert!(workers > 0, "a pool needs at least one worker");
    let next = Mutex::new(0usize);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    thread::scope(|scope| {
        // No point starting more threads than there are items.
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| {
                loop {
                    // Take the next index and let go of the lock before working on it, so the
                    // workers overlap their calls instead of taking turns.
                    let index = {
                        let mut next = lock(&next);
                        let index = *next;
                        *next += 1;
                        index
                    };
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    lock(&slots)[index] = Some(result);
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|slot| slot.expect("every item was taken by a worker"))
        .collect()
}
