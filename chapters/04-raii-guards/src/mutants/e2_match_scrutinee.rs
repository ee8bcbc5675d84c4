//! A wrong narrowing for exercise 4.2.
//!
//! Wrong: pops in a `match` on `lock(queue).pop()`: the temporary guard in the scrutinee lives to the end of the `match`, arms and `slow` included.
//! Caught: with the queue still locked

use common::sync::{Mutex, lock};

/// Pops items from `queue` until it is empty; runs `slow` on each with no lock held and pushes
/// the result to `results`.
pub fn work_through(queue: &Mutex<Vec<u64>>, results: &Mutex<Vec<u64>>, slow: &dyn Fn(u64) -> u64) {
    loop {
        match lock(queue).pop() {
            Some(item) => {
                let result = slow(item);
                lock(results).push(result);
            }
            None => return,
        }
    }
}
