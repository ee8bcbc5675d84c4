//! A wrong `lock_in_order` for exercise 12.1.
//!
//! Wrong: takes the locks in the order the caller lists them, as the broken two-locks example does:
//! two callers listing the same locks in opposite orders can deadlock.
//! Caught: the order depends on how the locks are listed

use common::deadlock::{Abandoned, TrackedGuard, TrackedMutex};

/// Locks every mutex in `locks` in one global order (by address), whatever order they are
/// listed in, and returns the guards in the caller's order: `guards[i]` guards `locks[i]`.
///
/// Listing the same lock twice would deadlock with itself, so each lock may appear only once.
pub fn lock_in_order<'a, T>(
    locks: &[&'a TrackedMutex<T>],
) -> Result<Vec<TrackedGuard<'a, T>>, Abandoned> {
    let mut guards = Vec::with_capacity(locks.len());
    for lock in locks {
        guards.push(lock.lock()?);
    }
    Ok(guards)
}
