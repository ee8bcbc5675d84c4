//! A wrong `yield_now` for exercise 9.1.
//!
//! Wrong: keeps "already yielded" in a thread-local that every `YieldNow` on the executor's thread
//! shares (to avoid writing through `Pin<&mut Self>`), so one task's yield completes another's.
//! Caught: tasks that yield did not take turns

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    static YIELDED: Cell<bool> = const { Cell::new(false) };
}

/// Completes on its second poll; the first poll wakes the task and returns `Pending`.
#[derive(Debug, Default)]
pub struct YieldNow;

/// Gives the executor back control once: the caller goes to the back of the run queue.
pub fn yield_now() -> YieldNow {
    YieldNow
}

impl Future for YieldNow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if YIELDED.replace(false) {
            return Poll::Ready(());
        }
        YIELDED.set(true);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
