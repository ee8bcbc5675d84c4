//! A wrong poison-pill pipeline for exercise 20.2.
//!
//! Wrong: puts a single poison pill whatever the number of consumers, so all but one consumer wait
//! forever.
//! Caught: put 1 pill for 3 consumers

// `crate::buffer::BoundedBuffer` in a learner's file; the reference one here (see `mutants.rs`).
use super::buffer::BoundedBuffer;

/// Puts every item on `queue` as `Some(item)`, then the poison pill (`None`). Returns how many
/// items it put.
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
    // The end of the work.
    let _ = queue.put(None);
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
