//! The executor's timers: the [`Clock`] they read, the pending deadlines ([`Timers`]) and the
//! timer future ([`Sleep`]).
//!
//! On the real clock a timer thread sleeps until the next deadline and fires its wakers; on the
//! virtual clock the executor jumps time to the next deadline when every task waits, which is
//! deterministic and instant (what the tests use). Separate from [`super`] because a timer is
//! just one thing that calls a waker: the executor's loop does not depend on how.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use common::sync::{Condvar, Mutex, lock};

use super::run_queue::{wait, wait_timeout};

common::variants! {
    /// Which clock the timers read; also the variants of [`crate::mini_executor`].
    pub enum Clock {
        /// Wall-clock time: a timer thread sleeps until the next deadline and fires its waker.
        Real = "real-clock": "wall-clock timers fired by a timer thread",
        /// Virtual time, which moves only when no task is ready: the executor then jumps it to
        /// the next deadline. Runs are deterministic and take no real time.
        Virtual = "virtual-clock": "the executor jumps time to the next deadline: exact and instant",
    }
}

/// The pending timers of one executor, and its clock. Times are durations since the start.
#[derive(Debug)]
pub struct Timers {
    pub(super) clock: Clock,
    started: Instant,
    state: Mutex<TimerState>,
    /// Signalled when a timer is added or the executor shuts down (the timer thread waits on it).
    changed: Condvar,
}

#[derive(Debug, Default)]
struct TimerState {
    /// (deadline, waker). A Vec scanned for its minimum is plenty for a handful of timers.
    pending: Vec<(Duration, Waker)>,
    virtual_now: Duration,
    shutdown: bool,
}

impl Timers {
    pub(super) fn new(clock: Clock) -> Self {
        Self {
            clock,
            started: Instant::now(),
            state: Mutex::new(TimerState::default()),
            changed: Condvar::new(),
        }
    }

    /// The time since the executor started, on its clock.
    pub fn now(&self) -> Duration {
        match self.clock {
            Clock::Real => self.started.elapsed(),
            Clock::Virtual => lock(&self.state).virtual_now,
        }
    }

    fn register(&self, deadline: Duration, waker: Waker) {
        lock(&self.state).pending.push((deadline, waker));
        self.changed.notify_one();
    }

    /// Takes out the wakers of every timer due at `now`.
    fn take_due(state: &mut TimerState, now: Duration) -> Vec<Waker> {
        let (due, later) = std::mem::take(&mut state.pending)
            .into_iter()
            .partition(|(deadline, _)| *deadline <= now);
        state.pending = later;
        due.into_iter().map(|(_, waker)| waker).collect()
    }

    fn next_deadline(state: &TimerState) -> Option<Duration> {
        state.pending.iter().map(|(deadline, _)| *deadline).min()
    }

    /// Virtual clock: jumps to the next deadline and fires every timer due then. False if no
    /// timer is pending.
    pub(super) fn advance_virtual(&self) -> bool {
        let due = {
            let mut state = lock(&self.state);
            let Some(next) = Self::next_deadline(&state) else {
                return false;
            };
            state.virtual_now = state.virtual_now.max(next);
            let now = state.virtual_now;
            Self::take_due(&mut state, now)
        };
        // Wake outside the lock: a waker may do anything, including register another timer.
        due.into_iter().for_each(Waker::wake);
        true
    }

    /// How long until the next deadline, if any timer is pending.
    pub(super) fn until_next(&self) -> Option<Duration> {
        let state = lock(&self.state);
        let next = Self::next_deadline(&state)?;
        drop(state);
        Some(next.saturating_sub(self.now()))
    }

    /// The real clock's timer thread: sleep until the next deadline, fire what is due, repeat.
    pub(super) fn run_timer_thread(&self) {
        let mut state = lock(&self.state);
        while !state.shutdown {
            let now = self.started.elapsed();
            let due = Self::take_due(&mut state, now);
            if !due.is_empty() {
                drop(state);
                due.into_iter().for_each(Waker::wake);
                state = lock(&self.state);
                continue;
            }
            // A new, earlier timer or the shutdown signals `changed` and cuts the sleep short.
            state = match Self::next_deadline(&state) {
                Some(next) => wait_timeout(&self.changed, state, next - now),
                None => wait(&self.changed, state),
            };
        }
    }

    /// Ends the real clock's timer thread (the virtual clock has none: a no-op there).
    pub(super) fn shut_down(&self) {
        lock(&self.state).shutdown = true;
        self.changed.notify_one();
    }
}

/// A future that completes once the executor's clock reaches its deadline.
#[derive(Debug)]
pub struct Sleep {
    pub(super) timers: Arc<Timers>,
    pub(super) deadline: Duration,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.timers.now() >= self.deadline {
            return Poll::Ready(());
        }
        // Hand the waker to the timers; the timer thread (or the virtual clock) will call it.
        // Polled again early, the future registers again: a duplicate only costs a spare wake.
        self.timers.register(self.deadline, cx.waker().clone());
        Poll::Pending
    }
}
