//! Exercise 7.1 (starter): a pairwise tree reduction over scoped threads.
//!
//! Task: cut `data` into `threads` contiguous chunks (0 threads counts as 1), fold each chunk on
//! its own `common::sync::thread::scope` thread, then combine the partial results pairwise —
//! neighbour with neighbour — round after round until one value is left, as the book's
//! `Chapter07/example1.py` does with queues of processes.
//!
//! Checked by `tests/exercise_7_1.rs` (`cargo xtask exercise check 7.1`): the result equals the
//! sequential `reduce` for many sizes and thread counts (0, and more threads than items, too),
//! also for an operator that is associative but not commutative (so the order of the partial
//! results matters, also when the first chunk finishes last), every item combined exactly once,
//! and `None` for no data; the chunks are folded at the same time (the grader's operator waits
//! until two calls are inside at once) on no more threads than a tree of `threads` chunks needs
//! — on real threads under a watchdog, and under the shuttle model checker.

/// Reduces `data` with `op` on up to `threads` scoped threads (0 counts as 1); `None` if empty.
pub fn tree_reduce<T, F>(data: &[T], threads: usize, op: F) -> Option<T>
where
    T: Copy + Send + Sync,
    F: Fn(T, T) -> T + Sync,
{
    // TODO: fold each of at most `threads` contiguous chunks on its own scoped thread.
    // TODO: combine the partial results pairwise, round after round, until one is left.
    let _ = (data, threads, op);
    todo!("pairwise tree reduction")
}
