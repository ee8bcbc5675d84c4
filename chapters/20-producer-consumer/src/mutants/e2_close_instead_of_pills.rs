//! A wrong poison-pill pipeline for exercise 20.2.
//!
//! Wrong: no poison pills at all: `produce` puts the items and closes the queue, which ends the
//! consumers too, but is not the shutdown the task asks for.
//! Caught: poison pills missing

// `crate::buffer::BoundedBuffer` in a learner's file; the reference one here (see `mutants.rs`).
use super::buffer::BoundedBuffer;

/// Puts every item on `queue` as `Some(item)`, then closes it: consumers drain what is left
/// and stop. Returns how many items it put.
pub fn produce<T>(
    queue: &BoundedBuffer<Option<T>>,
    items: impl IntoIterator<Item = T>,
    consumers: usize,
) -> usize {
    let _ = consumers;
    let mut produced = 0;
    for item in items {
        if queue.put(Some(item)).is_err() {
            break;
        }
        produced += 1;
    }
    queue.close();
    produced
}

/// Takes items from `queue` and hands each to `handle`, until it takes a poison pill (or the
/// queue is closed and drained). Returns how many items it handled.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, mut handle: impl FnMut(T)) -> usize {
    let mut consumed = 0;
    while let Some(Some(item)) = queue.take() {
        handle(item);
        consumed += 1;
    }
    consumed
}
