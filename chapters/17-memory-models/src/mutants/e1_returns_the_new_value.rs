//! A wrong `atomic_max` for exercise 17.1.
//!
//! Wrong: returns the maximum after the call instead of the value the cell held before it.
//! Caught: returns the value it replaced

use crate::sync::{AtomicU64, Ordering};

/// Raises `cell` to `value` if `value` is larger, atomically, and returns the previous value —
/// what `cell.fetch_max(value, Relaxed)` does, built from a `compare_exchange_weak` loop.
///
/// `Relaxed` is enough: the maximum is the only thing published, and a CAS on one location
/// always sees that location's latest value (every atomic has one modification order).
pub fn atomic_max(cell: &AtomicU64, value: u64) -> u64 {
    let mut current = cell.load(Ordering::Relaxed);
    while current < value {
        match cell.compare_exchange_weak(current, value, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return value,
            Err(actual) => current = actual,
        }
    }
    current
}
