//! Exercise 9.2 — `timeout`: race a future against the executor's timer.
//!
//! `timeout(&handle, limit, future)` completes with `Ok(output)` if `future` completes within
//! `limit`, and with `Err(Elapsed)` as soon as `limit` has passed otherwise. Write its `poll`.
//!
//! What the grader checks (`cargo xtask exercise check 9.2`), on the executor's virtual clock so
//! every time is exact:
//! - a 30 ms sleep under a 50 ms limit gives `Ok` at 30 ms; an 80 ms sleep gives `Err` at 50 ms;
//! - a future that never completes gives `Err` at the limit (the timer alone must wake the task);
//! - a 50 ms sleep under a 50 ms limit (both end at 50 ms) gives `Ok`: work done by the limit is
//!   in time;
//! - a zero limit: a future that is ready at once gives `Ok`, one that is not gives `Err` at 0 ms;
//! - a future that wakes the task every 10 ms still gives `Err` at the limit;
//! - a spawned task that ends at 40 ms under a 100 ms limit gives `Ok` at 40 ms;
//! - `timeout` is polled only when something woke it: a few polls each, never a busy loop.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::executor::{Handle, Sleep};

/// The timer fired before the future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// The limit that was exceeded.
    pub after: Duration,
}

/// `future`, but giving up with [`Elapsed`] once `limit` has passed on `handle`'s clock.
#[derive(Debug)]
pub struct Timeout<F> {
    /// Boxed, so `Timeout` is `Unpin` whatever `F` is, and polling it needs no unsafe pinning.
    future: Pin<Box<F>>,
    timer: Sleep,
    limit: Duration,
}

/// Runs `future` for at most `limit` on the executor's clock.
pub fn timeout<F: Future>(handle: &Handle, limit: Duration, future: F) -> Timeout<F> {
    Timeout {
        future: Box::pin(future),
        timer: handle.sleep(limit),
        limit,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: `Ok` with the inner future's value once it has completed (work done by the
        // limit counts as in time); `Err(Elapsed { .. })` once the limit has passed; `Pending`
        // otherwise, with the task sure to be woken by whichever of the two comes first.
        let _fields_you_need = (&self.future, &self.timer, self.limit, cx);
        todo!("race the future against the timer")
    }
}
