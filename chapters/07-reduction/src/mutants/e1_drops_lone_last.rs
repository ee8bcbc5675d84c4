//! A wrong tree reduction for exercise 7.1.
//!
//! Wrong: each round combines `chunks_exact(2)`, so in a round with an odd number of partial
//! results the lone last one is dropped.
//! Caught: a chunk or a partial result was dropped

use common::sync::thread;

/// Reduces `data` with `op` on up to `threads` scoped threads (0 counts as 1); `None` if empty.
pub fn tree_reduce<T, F>(data: &[T], threads: usize, op: F) -> Option<T>
where
    T: Copy + Send + Sync,
    F: Fn(T, T) -> T + Sync,
{
    if data.is_empty() {
        return None;
    }
    let threads = threads.clamp(1, data.len());
    let chunk = data.len().div_ceil(threads);
    let op = &op;
    let mut level: Vec<T> = thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().copied().reduce(op).expect("non-empty chunk")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("leaf thread panicked"))
            .collect()
    });
    while level.len() > 1 {
        level = thread::scope(|s| {
            let handles: Vec<_> = level
                .chunks_exact(2)
                .map(|pair| s.spawn(move || op(pair[0], pair[1])))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("combine thread panicked"))
                .collect()
        });
    }
    level.pop()
}
