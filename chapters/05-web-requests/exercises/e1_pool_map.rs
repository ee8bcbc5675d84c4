//! Exercise 5.1 — `pool_map`: the book's `ThreadPoolExecutor.map`, with scoped threads.
//!
//! Checking 100 websites with one thread each works, but a pool of a few threads that each take
//! the next URL when done is kinder to the machine and to the server. Write `pool_map`: run
//! `work` on every item using at most `workers` threads, and return the results in the items'
//! order (not the order they finished in).
//!
//! Use `common::sync::{Mutex, lock, thread}` (`thread::scope` lets the threads borrow `items` and
//! `work`); under the model checker these become shuttle's.
//!
//! What the grader checks (`cargo xtask exercise check 5.1`):
//! - results in the items' order, for any number of workers (1, 3, more than items) and no items;
//! - 0 workers panics, with a message containing "at least one worker";
//! - results stay in the items' order when the first item finishes last;
//! - never more than `workers` calls of `work` at once, on at most `workers` threads, and the
//!   calls really overlap: the grader's `work` waits until `workers` calls are inside at once
//!   (and real requests to the local server, counted by the server itself);
//! - every item is worked on exactly once, also under shuttle across many schedules
//!   (`--cfg shuttle`).
//!
//! The `check-status --variant thread-pool` example runs your code with `COURSE_BUILD=learner`.

/// Runs `work` on every item with at most `workers` threads and returns the results in the
/// items' order. Panics if `workers` is 0.
pub fn pool_map<T, R, F>(items: &[T], workers: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    // TODO: refuse 0 workers.
    // TODO: start at most `workers` scoped threads that share the items: each thread takes an
    // item no other thread took, runs `work` on it, and comes back for more until none is left.
    // The calls of `work` on different threads must be able to overlap.
    // TODO: return the results in the items' order.
    let _what_you_get = (items.len(), workers, &work);
    todo!("run work on every item with a pool of threads")
}
