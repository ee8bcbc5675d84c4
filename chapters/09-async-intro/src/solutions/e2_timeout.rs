//! Exercise 9.2, reference solution: `timeout`, a future that races another future against a
//! timer. The learner's starter is `exercises/e2_timeout.rs`; the grader is
//! `tests/exercise_9_2.rs` (`cargo xtask exercise check 9.2`).
//!
//! One future polling two others is how `select`, `join` and `timeout` are all built: both inner
//! futures get the same waker, so whichever becomes ready first wakes the task.

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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The future first: work that is done by the deadline counts as done in time.
        if let Poll::Ready(value) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        // Both got this task's waker: whichever is ready first wakes it, and we poll both again.
        if Pin::new(&mut self.timer).poll(cx).is_ready() {
            return Poll::Ready(Err(Elapsed { after: self.limit }));
        }
        Poll::Pending
    }
}
