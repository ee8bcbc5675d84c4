//! A wrong `InstanceGate` for exercise 19.1.
//!
//! Wrong: loops while the count is at most `max` instead of below it, so the gate admits one run
//! more than the cap.
//! Caught: a gate of 2 let a third run in

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

    /// Takes a place if fewer than `max` instances are running; `false` means "skip this run".
    pub fn try_enter(&self) -> bool {
        let mut seen = self.running.load(Ordering::Acquire);
        while seen <= self.max {
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
}
