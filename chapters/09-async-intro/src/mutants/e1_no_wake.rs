//! A wrong `yield_now` for exercise 9.1.
//!
//! Wrong: returns `Pending` on the first poll without calling the waker, so no executor ever
//! polls the task again.
//! Caught: returned Pending without calling the waker

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

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        Poll::Pending
    }
}
