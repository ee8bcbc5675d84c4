//! A wrong narrowing for exercise 4.2.
//!
//! Wrong: loops with `while let Some(item) = lock(queue).pop()`: the temporary guard in the scrutinee lives through the whole loop body, `slow` included.
//! Caught: with the queue still locked

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    while let Some(item) = lock(queue).pop() {
        let result = slow(item);
        lock(results).push(result);
    }
}
