//! A wrong tree reduction for exercise 7.1.
//!
//! Wrong: each chunk's thread pushes its partial result onto a shared list when it finishes, so
//! the rounds combine the partial results in the order they finished, not the chunks' order.
//! Caught: not the order they finish in

use common::sync::{Mutex, lock, thread};

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
    let finished = Mutex::new(Vec::with_capacity(threads));
    thread::scope(|s| {
        for part in data.chunks(chunk) {
            let finished = &finished;
            s.spawn(move || {
                let partial = part.iter().copied().reduce(op).expect("non-empty chunk");
                lock(finished).push(partial);
            });
        }
    });
    let mut level = finished
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Rounds: combine neighbours (0,1), (2,3), ...; a lone last value moves up unchanged.
    while level.len() > 1 {
        level = thread::scope(|s| {
            let handles: Vec<_> = level
                .chunks(2)
                .map(|pair| {
                    s.spawn(move || match *pair {
                        [a, b] => op(a, b),
                        [a] => a,
                        _ => unreachable!("chunks(2) yields one or two"),
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("combine thread panicked"))
                .collect()
        });
    }
    level.pop()
}
