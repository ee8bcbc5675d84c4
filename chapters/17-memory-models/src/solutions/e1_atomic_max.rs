//! Reference solution of exercise 17.1: an atomic maximum from a compare-and-swap loop.
//!
//! `AtomicU64::fetch_max` exists, but it is built the same way on most CPUs (x86 has no "max"
//! instruction: the compiler emits a `lock cmpxchg` loop), and the loop is the pattern behind
//! every lock-free update that no single instruction does. Read the current value; if the new
//! one is not larger there is nothing to do; otherwise try to swap it in *only if the cell still
//! holds what was read*. If another thread got in between, `compare_exchange_weak` fails and
//! hands back the value it found: start again from that, never from a stale read.
//!
//! `_weak` may also fail spuriously (on ARM and POWER, where it is a load-linked /
//! store-conditional pair that any interference breaks), which is harmless inside a loop and
//! cheaper there than the strong form, which must loop internally to hide those failures.
//!
//! Run `cargo xtask exercise check 17.1` to grade your own version in `exercises/`.

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
            Ok(previous) => return previous,
            // Someone changed it (or a spurious failure): retry from what is there now.
            Err(actual) => current = actual,
        }
    }
    current
}
