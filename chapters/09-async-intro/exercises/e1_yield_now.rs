//! Exercise 9.1 — `yield_now`: a future that gives the executor back control, once.
//!
//! The book's cooperative prime check does `await asyncio.sleep(0)` every 50,000 divisors so the
//! other tasks get a turn. Write its Rust twin by hand: a future whose first poll returns
//! `Poll::Pending` and whose second poll returns `Poll::Ready(())`.
//!
//! The catch: the task must actually get its second poll. A future that returns `Pending` and
//! leaves it at that sleeps forever.
//!
//! What the grader checks (`cargo xtask exercise check 9.1`):
//! - polled by hand, the first poll is `Pending` *and* has called the waker exactly once; the
//!   second is `Ready`;
//! - two `yield_now`s alive at once each yield once, on their own;
//! - on the chapter's executor, two tasks that yield between steps take turns: A1 B1 A2 B2 ...
//!   (a yield that never completes is stopped after a bounded number of polls);
//! - the `sync-vs-async` cooperative check finishes the small numbers first (the examples use
//!   this module too);
//! - under the shuttle model checker, with another thread waking the task at the same time, the
//!   task is back on the run queue after its `Pending` poll.

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
        // TODO: the first poll returns `Poll::Pending`, and the executor must then poll this
        // task again; the next poll returns `Poll::Ready(())`.
        let _fields_you_need = (self.yielded, cx);
        todo!("yield once, then complete")
    }
}
