//! Exercise 9.1, reference solution: `yield_now`, a future that gives the executor back control
//! once. The learner's starter is `exercises/e1_yield_now.rs`; the grader is
//! `tests/exercise_9_1.rs` (`cargo xtask exercise check 9.1`).
//!
//! This is what the book's `await asyncio.sleep(0)` does: end this turn, go to the back of the
//! run queue, and let every task that is ready run before this one goes on.

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
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Pending alone would leave the task asleep forever: nobody else holds its waker. Waking
        // it first puts it back at the end of the run queue, behind every task already ready.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
