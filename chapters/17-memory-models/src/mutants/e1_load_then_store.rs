//! A wrong `atomic_max` for exercise 17.1.
//!
//! Wrong: reads the cell, and stores the offer if it is larger: another thread's larger store in
//! between is overwritten.
//! Caught: the larger offer was lost

use crate::sync::{AtomicU64, Ordering};

/// Raises `cell` to `value` if `value` is larger, atomically, and returns the previous value —
/// what `cell.fetch_max(value, Relaxed)` does, built from a `compare_exchange_weak` loop.
///
/// `Relaxed` is enough: the maximum is the only thing published, and a CAS on one location
/// always sees that location's latest value (every atomic has one modification order).
pub fn atomic_max(cell: &AtomicU64, value: u64) -> u64 {
    let current = cell.load(Ordering::Relaxed);
    if value > current {
        cell.store(value, Ordering::Relaxed);
    }
    current
}
