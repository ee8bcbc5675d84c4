//! A wrong narrowing for exercise 4.2.
//!
//! Wrong: takes every item out of the queue under one short lock and then works through them alone, so the first worker gets all the work and the others find the queue empty.
//! Caught: found the queue empty while

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    let mine: Vec<u64> = lock(queue).drain(..).collect();
    for item in mine.into_iter().rev() {
        let result = slow(item);
        lock(results).push(result);
    }
}
