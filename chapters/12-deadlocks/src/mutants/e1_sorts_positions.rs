//! A wrong `lock_in_order` for exercise 12.1.
//!
//! Wrong: sorts the positions themselves instead of sorting them by each lock's address, which
//! leaves them in the listed order.
//! Caught: the order depends on how the locks are listed

use common::deadlock::{Abandoned, TrackedGuard, TrackedMutex};

/// Locks every mutex in `locks` in one global order (by address), whatever order they are
/// listed in, and returns the guards in the caller's order: `guards[i]` guards `locks[i]`.
///
/// Listing the same lock twice would deadlock with itself, so each lock may appear only once.
pub fn lock_in_order<'a, T>(
    locks: &[&'a TrackedMutex<T>],
) -> Result<Vec<TrackedGuard<'a, T>>, Abandoned> {
    let mut order: Vec<usize> = (0..locks.len()).collect();
    order.sort_unstable();

    let mut guards: Vec<Option<TrackedGuard<'a, T>>> = locks.iter().map(|_| None).collect();
    for i in order {
        guards[i] = Some(locks[i].lock()?);
    }
    Ok(guards.into_iter().flatten().collect())
}
