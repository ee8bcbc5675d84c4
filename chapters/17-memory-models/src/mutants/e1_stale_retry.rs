//! A wrong `atomic_max` for exercise 17.1.
//!
//! Wrong: retries a failed compare-and-swap with the value it first read, which can never match
//! again: the loop spins forever once another thread has changed the cell.
//! Caught: retry from the value the failed compare-and-swap saw

use crate::sync::{AtomicU64, Ordering};

/// Raises `cell` to `value` if `value` is larger, atomically, and returns the previous value —
/// what `cell.fetch_max(value, Relaxed)` does, built from a `compare_exchange_weak` loop.
///
/// `Relaxed` is enough: the maximum is the only thing published, and a CAS on one location
/// always sees that location's latest value (every atomic has one modification order).
pub fn atomic_max(cell: &AtomicU64, value: u64) -> u64 {
    let current = cell.load(Ordering::Relaxed);
    loop {
        if current >= value {
            return current;
        }
        if let Ok(previous) =
            cell.compare_exchange_weak(current, value, Ordering::Relaxed, Ordering::Relaxed)
        {
            return previous;
        }
    }
}
