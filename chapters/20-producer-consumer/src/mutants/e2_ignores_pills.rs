//! A wrong poison-pill pipeline for exercise 20.2.
//!
//! Wrong: `consume` skips the pills and stops only when the queue is closed, so it takes items and
//! pills meant for other consumers, and waits forever on a queue nobody closes.
//! Caught: went on after its poison pill

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

/// Takes items from `queue` and hands each to `handle`, until the queue is closed and drained.
/// Returns how many items it handled.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, mut handle: impl FnMut(T)) -> usize {
    let mut consumed = 0;
    while let Some(message) = queue.take() {
        if let Some(item) = message {
            handle(item);
            consumed += 1;
        }
    }
    consumed
}
