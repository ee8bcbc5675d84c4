//! A wrong poison-pill pipeline for exercise 20.2.
//!
//! Wrong: `consume` counts every message it takes, the pill included, so it reports one item more
//! than it handled.
//! Caught: not the pill

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

/// Takes items from `queue` and hands each to `handle`, until it takes a poison pill (or the
/// queue is closed and drained). Returns how many messages it took.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, mut handle: impl FnMut(T)) -> usize {
    let mut consumed = 0;
    while let Some(message) = queue.take() {
        consumed += 1;
        match message {
            Some(item) => handle(item),
            None => break,
        }
    }
    consumed
}
