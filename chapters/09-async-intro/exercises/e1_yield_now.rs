//! Exercise 9.1 — `yield_now`: a future that gives the executor back control, once.
//!
//! The book's cooperative prime check does `await asyncio.sleep(0)` every 50,000 divisors so the
//! other tasks get a turn. Write its Rust twin by hand: a future whose first poll returns
//! `Poll::Pending` and whose second poll returns `Poll::Ready(())`.
//!
//! The catch: an executor polls a pending task again only after its waker is called. Return
//! `Pending` without arranging that, and the task sleeps forever.
//!
//! What the grader checks (`cargo xtask exercise check 9.1`):
//! - polled by hand, the first poll is `Pending` *and* has called the waker; the second is `Ready`;
//! - on the chapter's executor, two tasks that yield between steps take turns: A1 B1 A2 B2 ...;
//! - the `sync-vs-async` cooperative check finishes the small numbers first (the examples use
//!   this module too).

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: on the first poll, remember that you yielded, make sure the executor will poll
        // this task again (`cx.waker()`), and return `Poll::Pending`. On the next poll, return
        // `Poll::Ready(())`. (`YieldNow` is `Unpin`, so `mut self` lets you set the field.)
        let _fields_you_need = (self.yielded, cx);
        todo!("yield once, then complete")
    }
}
