//! Exercise 17.1 — an atomic maximum from a compare-and-swap loop.
//!
//! Many threads offer values; `cell` must end up holding the largest, with no update lost, and
//! without a lock. Rust has `fetch_max` for this, but do it the way every lock-free update that
//! no single instruction covers is done: a compare-and-swap loop with
//! `compare_exchange_weak(current, new, success_ordering, failure_ordering)`.
//! (`cargo run -p chapter-17 -- run cas-loop --variant atomic-max` shows the variants side by
//! side; its `atomic_max` row runs your code when built with `COURSE_BUILD=learner`.)
//!
//! What the grader checks (`cargo xtask exercise check 17.1`):
//! - one thread: the return value is the previous value, and the cell only ever grows;
//! - four threads offering 50 000 values each, interleaved: the cell ends at the true maximum,
//!   and every call returns a value some thread had stored (or the initial one); a call that
//!   never returns fails in seconds;
//! - under the loom model checker, two threads offering at once, in every interleaving: the
//!   larger offer is never lost.

use crate::sync::{AtomicU64, Ordering};

/// Raises `cell` to `value` if `value` is larger, atomically, and returns the previous value —
/// what `cell.fetch_max(value, Relaxed)` does, built from a `compare_exchange_weak` loop.
pub fn atomic_max(cell: &AtomicU64, value: u64) -> u64 {
    // TODO: replace the cell's value by `value` only if it is smaller, in one atomic step
    //       that fails if another thread changed the cell in between; then try again from
    //       what is there now.
    // TODO: return the value the cell held before this call changed it (or held all along).
    let _ = (cell, value, Ordering::Relaxed);
    todo!("a compare_exchange_weak loop")
}
