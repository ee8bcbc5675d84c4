//! A wrong pool for exercise 5.1.
//!
//! Wrong: starts one thread per item and ignores `workers`, so nothing bounds the calls at once.
//! Caught: start at most `workers` threads

use common::sync::thread;

/// Runs `work` on every item with at most `workers` threads and returns the results in the
/// items' order. Panics if `workers` is 0.
pub fn pool_map<T, R, F>(items: &[T], workers: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    assert!(workers > 0, "a pool needs at least one worker");
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect()
    })
}
