//! Reference solution of exercise 12.1: lock several mutexes in one global order.
//!
//! The book's fix for the dining philosophers (`Chapter12/example4.py`) is a context manager,
//! `acquire(*locks)`, that sorts the locks by `id()` before taking them. Rust has the same
//! identity for free: a lock's address. If every thread takes any set of locks lowest address
//! first, no thread can hold a higher lock while waiting for a lower one, so the wait-for graph
//! can have no cycle and no deadlock can form, whatever order callers list the locks in.
//!
//! Run `cargo xtask exercise check 12.1` to grade your own version in `exercises/`.

use common::deadlock::{Abandoned, TrackedGuard, TrackedMutex};

/// Locks every mutex in `locks` in one global order (by address), whatever order they are
/// listed in, and returns the guards in the caller's order: `guards[i]` guards `locks[i]`.
///
/// Listing the same lock twice would deadlock with itself, so each lock may appear only once.
pub fn lock_in_order<'a, T>(
    locks: &[&'a TrackedMutex<T>],
) -> Result<Vec<TrackedGuard<'a, T>>, Abandoned> {
    let mut order: Vec<usize> = (0..locks.len()).collect();
    order.sort_by_key(|&i| std::ptr::from_ref(locks[i]) as usize);

    let mut guards: Vec<Option<TrackedGuard<'a, T>>> = locks.iter().map(|_| None).collect();
    for i in order {
        // On `Err`, the guards taken so far drop here and release their locks.
        guards[i] = Some(locks[i].lock()?);
    }
    Ok(guards.into_iter().flatten().collect())
}
