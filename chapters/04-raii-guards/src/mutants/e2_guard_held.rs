//! A wrong narrowing for exercise 4.2.
//!
//! Wrong: drops the queue's guard by hand, but only after `slow` has run, so the queue stays locked during the slow work.
//! Caught: with the queue still locked

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    loop {
        let mut pending = lock(queue);
        let Some(item) = pending.pop() else {
            break;
        };
        let result = slow(item);
        drop(pending);
        lock(results).push(result);
    }
}
