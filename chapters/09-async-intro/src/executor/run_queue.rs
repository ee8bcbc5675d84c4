//! The executor's run queue and its wakers: how a task that can go on gets polled again.
//!
//! [`RunQueue`] holds the ids of the ready tasks and is shared with every waker, since a waker may
//! fire on any thread (the timer thread, a job's thread). [`TaskWaker`] is one task's waker: it
//! queues its task at most once between two polls. Separate from [`super`] because this is the
//! part shared across threads, the part `tests/model_check.rs` model-checks; the executor's loop
//! that pops and polls stays on one thread.

use std::collections::VecDeque;
use std::sync::Arc;
use std::task::Wake;
use std::time::{Duration, Instant};

use common::sync::atomic::{AtomicBool, Ordering};
use common::sync::{Condvar, Mutex, MutexGuard, lock};

/// The ids of the tasks that are ready to be polled, in the order they became ready.
#[derive(Debug)]
pub struct RunQueue {
    ready: Mutex<VecDeque<usize>>,
    /// Signalled on every push, so an idle executor wakes up.
    pushed: Condvar,
}

impl Default for RunQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl RunQueue {
    /// An empty run queue.
    pub fn new() -> Self {
        Self {
            ready: Mutex::new(VecDeque::new()),
            pushed: Condvar::new(),
        }
    }

    /// Marks task `id` ready and wakes the executor if it sleeps.
    pub fn push(&self, id: usize) {
        lock(&self.ready).push_back(id);
        self.pushed.notify_one();
    }

    /// The next ready task, waiting up to `patience` for one (`None`: wait as long as it takes).
    pub fn pop(&self, patience: Option<Duration>) -> Option<usize> {
        let deadline = patience.map(|p| Instant::now() + p);
        let mut ready = lock(&self.ready);
        loop {
            if let Some(id) = ready.pop_front() {
                return Some(id);
            }
            // Waiting releases the lock, so a waker on another thread can push meanwhile; the
            // check-then-wait happens under the lock, so no push slips in between unseen.
            ready = match deadline {
                None => wait(&self.pushed, ready),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    wait_timeout(&self.pushed, ready, left)
                }
            };
        }
    }

    /// How many tasks are ready right now.
    pub fn len(&self) -> usize {
        lock(&self.ready).len()
    }

    /// Whether no task is ready right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `condvar.wait(guard)`, taking a poisoned lock as it is.
pub(super) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `condvar.wait_timeout(guard, timeout)`, taking a poisoned lock as it is.
pub(super) fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> MutexGuard<'a, T> {
    condvar
        .wait_timeout(guard, timeout)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .0
}

/// A task's waker: waking it puts the task's id on the run queue.
///
/// `queued` makes a burst of wakes cost one poll: only the first wake after a poll pushes. The
/// executor clears it just *before* polling, so a wake that arrives during the poll (from another
/// thread, or the task waking itself to yield) queues the task again. Clearing it after the poll
/// would swallow that wake and the task would sleep forever: the lost wake-up that
/// `tests/model_check.rs` has shuttle find.
#[derive(Debug)]
pub struct TaskWaker {
    id: usize,
    queued: AtomicBool,
    queue: Arc<RunQueue>,
}

impl TaskWaker {
    /// The waker of task `id`, which pushes onto `queue`.
    pub fn new(id: usize, queue: Arc<RunQueue>) -> Arc<Self> {
        Arc::new(Self {
            id,
            queued: AtomicBool::new(false),
            queue,
        })
    }

    /// Called by the executor right before it polls the task: from here on, a wake queues it.
    pub fn begin_poll(&self) {
        self.queued.store(false, Ordering::SeqCst);
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::SeqCst) {
            self.queue.push(self.id);
        }
    }
}
