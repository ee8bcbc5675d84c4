//! Exercise 5.2 — `collect_until`: gather results from worker threads until all have reported or
//! an overall deadline passes.
//!
//! The book's `Chapter05/example6.py` gives its threads 5 seconds by polling `isAlive()` every
//! 10 ms. Do it without polling: each worker sends `(index, result)` on a channel when it is
//! done, and the collector sleeps until a result comes in or there is no point waiting any more.
//!
//! Write `collect_until`: fill `n` slots from the channel and return as soon as every slot is
//! filled, or every sender has hung up (nothing more can come), or the deadline has passed.
//! Slots never filled stay `None`. An index out of range is ignored.
//!
//! What the grader checks (`cargo xtask exercise check 5.2`):
//! - results land in their slots whatever order they arrive in, and the call returns once all
//!   are in, even with a sender still alive;
//! - a repeated or out-of-range index fills no slot (and does not count as one filled);
//! - a result sent while the call waits is collected (the deadline is far away, a sender alive);
//! - a worker that never reports leaves `None` and the call returns at the deadline, sleeping
//!   meanwhile: the grader counts the thread's wake-ups and its CPU time, so polling fails;
//! - when every sender has hung up the call returns at once, without waiting for the deadline;
//! - real requests to the local server: the slow one is missing, the others are there.
//!
//! The `timeouts --variant custom-timeout` example runs your code with `COURSE_BUILD=learner`.

use std::sync::mpsc::Receiver;
use std::time::Instant;

/// Receives `(index, value)` pairs into `n` slots until every slot is filled, every sender has
/// hung up, or `deadline` passes. Slots never filled stay `None`; an index out of range is
/// ignored.
pub fn collect_until<T>(
    results: &Receiver<(usize, T)>,
    n: usize,
    deadline: Instant,
) -> Vec<Option<T>> {
    // TODO: start with `n` empty slots and fill them as results arrive; stop when all are
    // filled, when no sender is left, or when `deadline` has passed. Never wait past the
    // deadline, and never poll.
    let _what_you_get = (results, n, deadline);
    todo!("collect results until done or the deadline")
}
