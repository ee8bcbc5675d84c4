//! Exercise 17.1 — an atomic maximum from a compare-and-swap loop.
//!
//! Many threads offer values; `cell` must end up holding the largest, with no update lost, and
//! without a lock. Rust has `fetch_max` for this, but do it the way every lock-free update that
//! no single instruction covers is done: a compare-and-swap loop with
//! `compare_exchange_weak(current, new, success_ordering, failure_ordering)`.
//! (`cargo run -p chapter-17 -- run cas-loop --variant atomic-max` shows the variants side by
//! side; its `atomic_max` row runs your code when built with `--features learner`.)
//!
//! What the grader checks (`cargo xtask exercise check 17.1`):
//! - one thread: the return value is the previous value, and the cell only ever grows;
//! - four threads offering 50 000 values each, interleaved: the cell ends at the true maximum,
//!   and every call returns a value some thread had stored (or the initial one).

use crate::sync::{AtomicU64, Ordering};

/// Raises `cell` to `value` if `value` is larger, atomically, and returns the previous value —
/// what `cell.fetch_max(value, Relaxed)` does, built from a `compare_exchange_weak` loop.
pub fn atomic_max(cell: &AtomicU64, value: u64) -> u64 {
    // TODO: read the current value (`Ordering::Relaxed` is enough here).
    // TODO: while it is smaller than `value`, try `compare_exchange_weak(current, value, ..)`:
    //       on `Ok(previous)` return `previous`; on `Err(actual)` retry from `actual`.
    // TODO: if the current value is already >= `value`, return it unchanged.
    let _ = (cell, value, Ordering::Relaxed);
    todo!("a compare_exchange_weak loop")
}
