//! Exercise 4.2 (reference solution): narrow a guard's scope so workers overlap.
//!
//! Several workers drain one queue. Each item needs slow work (`slow`) that touches no shared
//! data. Holding the queue's guard across that work makes the workers take turns; taking the
//! item in one statement — the guard a temporary that dies at its `;` — lets them overlap.
//!
//! Checked by `tests/exercise_4_2.rs`: every item processed exactly once, and two workers must
//! be inside `slow` at the same time (the grader's `slow` waits for the other worker; a guard
//! held across it makes that impossible, and the watchdog or shuttle reports the hang). The
//! `held-too-long` example's `narrowed` variant runs this function.

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    loop {
        // The guard is a temporary of this `let`: it is dropped at the `;`, before `slow`.
        let Some(item) = lock(queue).pop() else {
            break;
        };
        let result = slow(item);
        lock(results).push(result);
    }
}
