//! Reference solution of exercise 19.1: the gate behind APScheduler's `max_instances`.
//!
//! A job that outlasts its interval would pile up overlapping runs; the scheduler lets at most
//! `max` of them run at once and skips the rest (APScheduler logs "maximum number of running
//! instances reached"). The gate is one atomic count. Entering must *check and add* in one atomic
//! step: a `load`, a comparison and a `store` leave a window in which two callers both see a free
//! place and both take it — the very bug of the chapter's `model-checking` example. A
//! compare-and-swap loop closes the window: the add only happens if the count is still the one
//! that was checked.
//!
//! Run `cargo xtask exercise check 19.1` to grade your own version in `exercises/`.

use common::sync::atomic::{AtomicUsize, Ordering};

/// Lets at most `max` instances of a job run at once.
#[derive(Debug)]
pub struct InstanceGate {
    running: AtomicUsize,
    max: usize,
}

impl InstanceGate {
    /// A gate for at most `max` concurrent instances.
    pub fn new(max: usize) -> Self {
        Self {
            running: AtomicUsize::new(0),
            max,
        }
    }

    /// Takes a place if fewer than `max` instances are running; `false` means "skip this run".
    pub fn try_enter(&self) -> bool {
        let mut seen = self.running.load(Ordering::Acquire);
        while seen < self.max {
            // Only add if nobody changed the count since we checked it; otherwise look again.
            match self.running.compare_exchange_weak(
                seen,
                seen + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => seen = actual,
            }
        }
        false
    }

    /// Gives back a place taken by a successful [`InstanceGate::try_enter`].
    pub fn leave(&self) {
        self.running.fetch_sub(1, Ordering::AcqRel);
    }

    /// Instances running right now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Acquire)
    }

    /// The cap.
    pub fn max(&self) -> usize {
        self.max
    }
}
