//! Exercise 20.2 — poison pills: shut a producer–consumer pipeline down so that every item is
//! consumed exactly once and every consumer ends.
//!
//! The book's first pipeline (`Chapter06/example7.py`, `cargo run -p chapter-20 -- run
//! flawed-shutdown`) lets consumers quit when the queue *looks* empty, and work is stranded.
//! Its fix (`Chapter06/example8.py`) sends a poison pill: the queue carries `Option<T>`, the
//! producer puts every item as `Some(item)` and then one `None` per consumer, and a consumer
//! stops when it takes a `None`. Write both sides, on the chapter's `BoundedBuffer` (its `put`
//! waits while the buffer is full, its `take` while it is empty).
//!
//! What the grader checks (`cargo xtask exercise check 20.2`):
//! - `produce` alone: the queue then holds every item in order, then exactly one pill per
//!   consumer, and is still open (the pills, not `close`, end this pipeline);
//! - `consume` alone: it hands every item before its pill to `handle`, stops at the pill and
//!   leaves what comes after it in the queue;
//! - the whole pipeline: every item is handled exactly once (count and checksum), and
//!   `produce`/`consume` report the right counts;
//! - every consumer ends, and so does the producer (one pill too few is a consumer waiting
//!   forever, a consumer quitting early a producer waiting forever for room: the watchdog on real
//!   threads and the model checker's deadlock detector both say so), with 1 to 4 consumers.

use crate::buffer::BoundedBuffer;

/// Puts every item on `queue` as `Some(item)`, then one poison pill (`None`) per consumer.
/// Returns how many items it put.
pub fn produce<T>(
    queue: &BoundedBuffer<Option<T>>,
    items: impl IntoIterator<Item = T>,
    consumers: usize,
) -> usize {
    // TODO: put each item as `Some(item)` (`queue.put` returns `Err` only if the queue was
    // closed: then stop), counting them; then put one `None` per consumer.
    let _ = (queue, consumers);
    let _items = items.into_iter();
    todo!("put the items, then a poison pill per consumer")
}

/// Takes items from `queue` and hands each to `handle`, until it takes a poison pill (or the
/// queue is closed and drained). Returns how many items it handled.
pub fn consume<T>(queue: &BoundedBuffer<Option<T>>, handle: impl FnMut(T)) -> usize {
    // TODO: loop on `queue.take()`: `Some(Some(item))` is work for `handle`; `Some(None)` is
    // your pill (stop, and take nothing more); `None` means closed and drained (stop too).
    let _ = (queue, handle);
    todo!("consume until the poison pill")
}
