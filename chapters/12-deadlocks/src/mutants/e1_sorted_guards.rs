//! A wrong `lock_in_order` for exercise 12.1.
//!
//! Wrong: takes the locks in address order but returns the guards in that order too, so `guards[i]`
//! need not guard `locks[i]`.
//! Caught: guards[i] must guard locks[i]

use common::deadlock::{Abandoned, TrackedGuard, TrackedMutex};

/// Locks every mutex in `locks` in one global order (by address), whatever order they are
/// listed in, and returns the guards in the caller's order: `guards[i]` guards `locks[i]`.
///
/// Listing the same lock twice would deadlock with itself, so each lock may appear only once.
pub fn lock_in_order<'a, T>(
    locks: &[&'a TrackedMutex<T>],
) -> Result<Vec<TrackedGuard<'a, T>>, Abandoned> {
    let mut sorted: Vec<&TrackedMutex<T>> = locks.to_vec();
    sorted.sort_by_key(|&lock| std::ptr::from_ref(lock) as usize);
    let mut guards = Vec::with_capacity(sorted.len());
    for lock in sorted {
        guards.push(lock.lock()?);
    }
    Ok(guards)
}
