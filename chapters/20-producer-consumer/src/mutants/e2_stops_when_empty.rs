//! A wrong poison-pill pipeline for exercise 20.2.
//!
//! Wrong: `consume` stops when the queue looks empty (the book's flawed shutdown), so a
//! consumer that runs ahead of the producer quits early and the producer waits forever for room.
//! Caught: the consumers quit early

// `crate::buffer::BoundedBuffer` in a learner's file; the reference one here (see `mutants.rs`).
use super::buffer::BoundedBuffer;

/// Puts every item on `queue` as `Some(item)`, then one poison pill (`None`) per consumer.
/// Returns how many items it put.
pub fn produce<T>(
    queue: &BoundedBuffer<Option<T>>,
    items: impl IntoIterator<Item = T>,
    consumers: usize,
) -> usize {
    let mut produced = 0;
    for item in items {
        if queue.put(Some(item)).is_err() {
            break;
        }
        produced += 1;
    }
    for _ in 0..consumers {
        if queue.put(None).is_err() {
            break;
        }
    }
    produced
}

/// Takes items from `queue` and hands each to `handle` while there are any, stopping at a
/// poison pill. Returns how many items it handled.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, mut handle: impl FnMut(T)) -> usize {
    let mut consumed = 0;
    while !queue.is_empty() {
        match queue.take() {
            Some(Some(item)) => {
                handle(item);
                consumed += 1;
            }
            Some(None) | None => break,
        }
    }
    consumed
}
