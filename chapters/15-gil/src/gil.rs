//! A global interpreter lock, modelled in Rust: the lock every other example of the chapter runs
//! its "bytecode" under.
//!
//! What it models is CPython's GIL since 3.2 (`Python/ceval_gil.c`), not a plain mutex:
//!
//! - one lock for the whole interpreter: a thread must hold it to run a bytecode step;
//! - the holder does not give it up by itself. It checks a `drop_request` flag at every step
//!   (CPython's "eval breaker", polled between bytecodes) and keeps running while it is clear;
//! - a thread that wants the lock waits on a condition variable for the *switch interval*
//!   (`sys.getswitchinterval()`, 5 ms by default). If the lock has not changed hands by then, it
//!   sets `drop_request`;
//! - the holder sees the flag, releases the lock, and then waits until another thread has really
//!   taken it before asking for it again (CPython's `FORCE_SWITCHING`): a fair-ish handoff, so the
//!   thread that just let go cannot grab the lock straight back;
//! - blocking I/O releases the lock around the wait (`Py_BEGIN_ALLOW_THREADS`) without waiting for
//!   a handoff: [`GilThread::release`] and [`GilThread::acquire`], wrapped by
//!   [`crate::allow_threads::allow_threads`] (exercise 15.1).
//!
//! What it leaves out: priorities, signals, the main thread's special duties, and the actual
//! interpreter. A "step" here is whatever the caller does between two [`GilThread::tick`]s.
//!
//! It also counts what a learner should see: how often the lock changed hands, how many drops were
//! requested, and — independently of the mutex, with its own atomic counter of holders — whether
//! two threads ever held it at once (they never do: that is the robust fact the examples check).
//!
//! Used by `countdown`, `global-lock`, `io-releases-the-lock` and `python-side-by-side`; not run on
//! its own. Its locks, condition variables and atomics come from `common::sync`, so
//! `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-15 --test model_check` checks this very code.
//! Book: chapter 15, "The Global Interpreter Lock" (the section on how the GIL works).

use std::sync::Arc;
use std::time::Duration;

use common::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use common::sync::{Condvar, Mutex, lock};

/// CPython's default switch interval: `sys.getswitchinterval()` is 0.005 s.
pub const CPYTHON_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The lock's state, guarded by the mutex.
#[derive(Debug, Default)]
struct State {
    /// Someone holds the GIL.
    locked: bool,
    /// Who took it last (a thread id given to [`GilThread::attach`]).
    last_holder: Option<usize>,
    /// How many times it was taken: a holder forced to let go waits for this to move.
    takes: u64,
    /// How many threads wait to take it.
    waiters: usize,
    /// Takes by a different thread than the previous holder.
    switches: u64,
}

/// The global interpreter lock. Share it with `Arc`; each thread attaches with [`GilThread`].
#[derive(Debug)]
pub struct Gil {
    state: Mutex<State>,
    /// Signalled when the GIL is released.
    released: Condvar,
    /// Signalled when the GIL is taken (the forced-out holder waits on it).
    taken: Condvar,
    /// Set by a waiter whose interval passed without a switch; polled by the holder every step.
    drop_request: AtomicBool,
    interval: Duration,
    /// Instrumentation, independent of the mutex: threads between `acquire` and `release`.
    holders: AtomicUsize,
    /// Times a thread found another one already holding the GIL (must stay 0).
    overlaps: AtomicU64,
    /// Drop requests the holders honoured.
    forced_drops: AtomicU64,
}

/// What a [`Gil`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GilStats {
    /// How many times the GIL was taken.
    pub takes: u64,
    /// How many of those takes were by a different thread than the last holder.
    pub switches: u64,
    /// How many times a holder let go because a waiter asked (the switch interval at work).
    pub forced_drops: u64,
    /// How many times two threads held the GIL at once. A GIL that works keeps this at 0.
    pub overlaps: u64,
}

impl Gil {
    /// A GIL with the given switch interval. `Duration::ZERO` means "ask for the lock at once":
    /// every waiter requests a drop immediately, the most eager switching there is.
    pub fn new(interval: Duration) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::default()),
            released: Condvar::new(),
            taken: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval,
            holders: AtomicUsize::new(0),
            overlaps: AtomicU64::new(0),
            forced_drops: AtomicU64::new(0),
        })
    }

    /// A GIL with CPython's default interval, 5 ms.
    pub fn cpython() -> Arc<Self> {
        Self::new(CPYTHON_SWITCH_INTERVAL)
    }

    /// The switch interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// What has been counted so far.
    pub fn stats(&self) -> GilStats {
        let state = lock(&self.state);
        GilStats {
            takes: state.takes,
            switches: state.switches,
            forced_drops: self.forced_drops.load(Ordering::Relaxed),
            overlaps: self.overlaps.load(Ordering::Relaxed),
        }
    }

    /// CPython's `take_gil`: wait until the GIL is free, asking the holder to drop it whenever a
    /// whole interval passes without a switch.
    fn take(&self, me: usize) {
        let mut state = lock(&self.state);
        if state.locked {
            state.waiters += 1;
            while state.locked {
                let takes_before = state.takes;
                if self.interval.is_zero() {
                    self.drop_request.store(true, Ordering::Relaxed);
                    state = self
                        .released
                        .wait(state)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                } else {
                    state = self
                        .released
                        .wait_timeout(state, self.interval)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                    // Still held by the same take after a whole interval: ask for a drop. (A
                    // spurious wake-up may ask a little early; that only switches sooner.)
                    if state.locked && state.takes == takes_before {
                        self.drop_request.store(true, Ordering::Relaxed);
                    }
                }
            }
            state.waiters -= 1;
        }
        state.locked = true;
        state.takes += 1;
        if state.last_holder.is_some_and(|last| last != me) {
            state.switches += 1;
        }
        state.last_holder = Some(me);
        // The request (if any) was for whoever held the lock before: it has been honoured.
        self.drop_request.store(false, Ordering::Relaxed);
        drop(state);
        self.taken.notify_all();
    }

    /// CPython's `drop_gil`. With `handoff`, wait until another thread has taken the GIL (if
    /// anyone is waiting), so the thread that let go cannot take it straight back.
    fn drop_gil(&self, handoff: bool) {
        let mut state = lock(&self.state);
        state.locked = false;
        let takes_at_release = state.takes;
        self.released.notify_one();
        if handoff {
            while state.takes == takes_at_release && state.waiters > 0 {
                state = self
                    .taken
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        }
    }
}

/// A thread attached to the interpreter: holds the GIL while it runs steps.
///
/// Dropping it releases the GIL if it holds it (CPython's thread exit does the same).
#[derive(Debug)]
pub struct GilThread {
    gil: Arc<Gil>,
    id: usize,
    holding: bool,
    steps: u64,
}

impl GilThread {
    /// Attaches thread `id` (any number unique among the GIL's threads) and takes the GIL.
    pub fn attach(gil: &Arc<Gil>, id: usize) -> Self {
        let mut thread = Self {
            gil: Arc::clone(gil),
            id,
            holding: false,
            steps: 0,
        };
        thread.acquire();
        thread
    }

    /// Takes the GIL (after blocking I/O: `Py_END_ALLOW_THREADS`). Does nothing if held.
    pub fn acquire(&mut self) {
        if self.holding {
            return;
        }
        self.gil.take(self.id);
        // Counted apart from the mutex: if two threads ever got past `take` together, this sees it.
        if self.gil.holders.fetch_add(1, Ordering::SeqCst) != 0 {
            self.gil.overlaps.fetch_add(1, Ordering::Relaxed);
        }
        self.holding = true;
    }

    /// Releases the GIL without waiting for a handoff (before blocking I/O:
    /// `Py_BEGIN_ALLOW_THREADS`). Does nothing if not held.
    pub fn release(&mut self) {
        if !self.holding {
            return;
        }
        self.holding = false;
        self.gil.holders.fetch_sub(1, Ordering::SeqCst);
        self.gil.drop_gil(false);
    }

    /// True while this thread holds the GIL.
    pub fn holds(&self) -> bool {
        self.holding
    }

    /// Steps run so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The GIL this thread is attached to.
    pub fn gil(&self) -> &Arc<Gil> {
        &self.gil
    }

    /// One bytecode step's bookkeeping: call it after each step of work. It is one relaxed load
    /// while nobody waits; when a waiter asked, the thread lets go, waits for the handoff, and
    /// queues up again.
    #[inline]
    pub fn tick(&mut self) {
        self.steps += 1;
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.switch();
        }
    }

    #[cold]
    fn switch(&mut self) {
        debug_assert!(self.holding, "a thread must hold the GIL to run steps");
        self.gil.forced_drops.fetch_add(1, Ordering::Relaxed);
        self.holding = false;
        self.gil.holders.fetch_sub(1, Ordering::SeqCst);
        self.gil.drop_gil(true);
        self.acquire();
    }
}

impl Drop for GilThread {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn one_thread_keeps_the_gil_and_counts_its_steps() {
        let gil = Gil::cpython();
        let mut thread = GilThread::attach(&gil, 0);
        for _ in 0..1000 {
            thread.tick();
        }
        assert!(thread.holds());
        assert_eq!(thread.steps(), 1000);
        drop(thread);
        let stats = gil.stats();
        assert_eq!((stats.takes, stats.switches, stats.overlaps), (1, 0, 0));
    }

    #[test]
    fn two_busy_threads_take_turns_and_never_overlap() {
        let gil = Gil::new(Duration::from_micros(200));
        std::thread::scope(|s| {
            for id in 0..2 {
                let gil = &gil;
                s.spawn(move || {
                    let mut thread = GilThread::attach(gil, id);
                    let until = std::time::Instant::now() + Duration::from_millis(30);
                    while std::time::Instant::now() < until {
                        thread.tick();
                    }
                });
            }
        });
        let stats = gil.stats();
        assert_eq!(stats.overlaps, 0);
        assert!(stats.takes >= 2, "{stats:?}");
    }
}
