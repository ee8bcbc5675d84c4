//! A wrong `timeout` for exercise 9.2.
//!
//! Wrong: wakes its own task before every `Pending` "to be sure to look at the timer again",
//! so the task is always ready: it busy-polls, and on the virtual clock time never moves on.
//! Caught: wakes its own task

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
        if let Poll::Ready(value) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        if Pin::new(&mut self.timer).poll(cx).is_ready() {
            return Poll::Ready(Err(Elapsed { after: self.limit }));
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
