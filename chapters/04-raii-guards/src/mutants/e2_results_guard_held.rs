//! A wrong narrowing for exercise 4.2.
//!
//! Wrong: frees the queue in time, but takes the results guard before calling `slow` and pushes into it after, so the workers take turns on the results list instead.
//! Caught: with the results list still locked

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    loop {
        let Some(item) = lock(queue).pop() else {
            break;
        };
        let mut done = lock(results);
        done.push(slow(item));
    }
}
