//! [`Offload`]: a job on its own thread, as a future, the leaf that the state machines of
//! [`super`] wait on (and that the `cooperative` example offloads its blocking check to).
//!
//! Separate from the lesson because it is the one future here that does not await another: it
//! keeps the waker itself, in a slot it shares with the job's thread, and that thread calls it.
//! The lesson is the states above it; this is what ends each of their waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;

/// A job on its own thread, as a future: the leaf that every `.await` eventually reaches.
///
/// The first poll starts the thread (futures are lazy); every poll that finds no result yet
/// leaves the current waker in the shared slot, and the thread calls it when it has stored the
/// result.
pub struct Offload<T> {
    state: OffloadState<T>,
}

enum OffloadState<T> {
    NotStarted(Box<dyn FnOnce() -> T + Send>),
    Running(Arc<Mutex<JobSlot<T>>>),
    Taken,
}

struct JobSlot<T> {
    result: Option<T>,
    waker: Option<Waker>,
}

impl<T> std::fmt::Debug for Offload<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            OffloadState::NotStarted(_) => "not started",
            OffloadState::Running(_) => "running",
            OffloadState::Taken => "done",
        };
        f.debug_struct("Offload").field("state", &state).finish()
    }
}

impl<T: Send + 'static> Offload<T> {
    /// A future of `job`'s result; `job` runs on a new thread from the first poll on.
    pub fn new(job: impl FnOnce() -> T + Send + 'static) -> Self {
        Self {
            state: OffloadState::NotStarted(Box::new(job)),
        }
    }
}

impl<T: Send + 'static> Future for Offload<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let OffloadState::NotStarted(_) = self.state {
            let OffloadState::NotStarted(job) =
                std::mem::replace(&mut self.state, OffloadState::Taken)
            else {
                unreachable!("matched just above")
            };
            let slot = Arc::new(Mutex::new(JobSlot {
                result: None,
                waker: None,
            }));
            let job_slot = Arc::clone(&slot);
            thread::spawn(move || {
                let result = job();
                let waker = {
                    let mut slot = job_slot.lock().unwrap_or_else(PoisonError::into_inner);
                    slot.result = Some(result);
                    slot.waker.take()
                };
                // The result is in: tell whoever polled last. (Outside the lock: a waker may do
                // anything, even poll this future on the spot.)
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            self.state = OffloadState::Running(slot);
        }
        let OffloadState::Running(slot) = &self.state else {
            panic!("Offload polled after it completed");
        };
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.result.take() {
            Some(result) => {
                drop(slot);
                self.state = OffloadState::Taken;
                Poll::Ready(result)
            }
            None => {
                // Under the same lock the job takes to store its result: it cannot finish
                // between our check and our leaving the waker, so the wake cannot be lost.
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
