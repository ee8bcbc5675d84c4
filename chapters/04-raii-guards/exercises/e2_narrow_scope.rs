//! Exercise 4.2: narrow a guard's scope so workers overlap.
//!
//! Several workers drain one queue. Each item needs slow work (`slow`) that touches no shared
//! data. The version below holds the queue's guard across that work, so the workers take turns.
//! Change it so the guard is gone before `slow` runs.
//!
//! The grader (`cargo xtask exercise check 4.2`) checks: every item processed exactly once; with
//! one worker alone, neither the queue nor the results list is locked while `slow` runs (its
//! `slow` tries both locks and counts the calls that found one taken); and two workers inside
//! `slow` at the same time (its `slow` waits for the other worker: a guard held across it, or a
//! worker that keeps every item to itself, makes that impossible, and the watchdog or shuttle
//! reports the hang).

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    loop {
        // TODO: as written, the queue stays locked while `slow` runs. Change this loop so that
        // no lock is held during `slow`.
        let mut pending = lock(queue);
        let Some(item) = pending.pop() else {
            break;
        };
        let result = slow(item);
        lock(results).push(result);
    }
}
