//! A wrong pool for exercise 5.1.
//!
//! Wrong: pushes each result onto one shared list as it finishes, so the results come back in
//! the order they finished, not the items' order.
//! Caught: results in the order they finished

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
    let results: Mutex<Vec<R>> = Mutex::new(Vec::with_capacity(items.len()));
    thread::scope(|scope| {
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let index = {
                        let mut next = lock(&next);
                        let index = *next;
                        *next += 1;
                        index
                    };
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    lock(&results).push(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
