//! Reference solution of exercise 20.2: shut a pipeline down with poison pills, so that every
//! item is consumed exactly once and every consumer ends.
//!
//! The book's fix (`Chapter06/example8.py`): the queue carries `Option<T>`; the producer puts
//! its items, then one `None` — a *poison pill* — per consumer. A consumer works until it takes
//! a pill, and then stops without taking anything else. The queue is FIFO, so every pill comes
//! after every item: no item is left behind, and each consumer swallows exactly one pill.
//! One pill too few and a consumer waits forever; a consumer that keeps going after its pill
//! steals another's, and that one waits forever.
//!
//! Run `cargo xtask exercise check 20.2` to grade your own version in `exercises/`.

use crate::buffer::BoundedBuffer;

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
            break; // Someone closed the queue: nobody will take more.
        }
        produced += 1;
    }
    for _ in 0..consumers {
        // A pill for each consumer, after every item (the queue is first in, first out).
        if queue.put(None).is_err() {
            break;
        }
    }
    produced
}

/// Takes items from `queue` and hands each to `handle`, until it takes a poison pill (or the
/// queue is closed and drained). Returns how many items it handled.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, mut handle: impl FnMut(T)) -> usize {
    let mut consumed = 0;
    // `take` gives `Some(Some(item))` for an item, `Some(None)` for a pill, `None` if closed.
    while let Some(Some(item)) = queue.take() {
        handle(item);
        consumed += 1;
    }
    consumed
}
