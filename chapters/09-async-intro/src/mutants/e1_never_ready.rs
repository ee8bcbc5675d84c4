//! A wrong `yield_now` for exercise 9.1.
//!
//! Wrong: wakes the task and returns `Pending` on every poll, so it never completes and its task
//! spins on the executor forever.
//! Caught: never became Ready

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Completes on its second poll; the first poll wakes the task and returns `Pending`.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

/// Gives the executor back control once: the caller goes to the back of the run queue.
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
