//! A wrong `yield_now` for exercise 9.1.
//!
//! Wrong: wakes the task but returns `Ready` on the first poll, so it never gives the executor
//! back control and the other tasks wait their turn until this one ends.
//! Caught: the first poll returned Ready

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
        Poll::Ready(())
    }
}
