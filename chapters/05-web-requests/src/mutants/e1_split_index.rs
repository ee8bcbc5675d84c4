//! A wrong pool for exercise 5.1.
//!
//! Wrong: reads the next index under one lock and advances it under another, so two workers can
//! take the same item (and skip the next).
//! Caught: take and advance the next index under one lock

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
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let index = *lock(&next);
                    *lock(&next) += 1;
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
