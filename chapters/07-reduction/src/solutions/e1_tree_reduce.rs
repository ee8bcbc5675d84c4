//! Exercise 7.1 (reference solution): a pairwise tree reduction over scoped threads.
//!
//! The slice is cut into `threads` contiguous chunks, each folded on its own scoped thread; then
//! the partial results are combined pairwise, neighbour with neighbour, round after round, until
//! one is left — the book's tree of rounds (`Chapter07/example1.py`), with scoped threads instead
//! of processes and slices instead of queues. Neighbours are always combined left with right, so
//! the operator needs to be associative but not commutative.
//!
//! Threads come from `common::sync::thread::scope`, so the same code runs on real threads and,
//! with `--cfg shuttle`, under the model checker.
//!
//! Checked by `tests/exercise_7_1.rs`; the learner's starter is `exercises/e1_tree_reduce.rs`.

use common::sync::thread;

/// Reduces `data` with `op` on up to `threads` scoped threads (0 counts as 1); `None` if empty.
///
/// The result equals `data.iter().copied().reduce(op)` for any associative `op`.
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
    // Leaves: one fold per chunk, each on its own thread, kept in order.
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
