//! A wrong `InstanceGate` for exercise 19.1.
//!
//! Wrong: adds one first and takes it back if the cap was reached, so for a moment the count says
//! more runs are inside than the cap allows (and than are running), and the scheduler logs it.
//! Caught: running() read

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
        if self.running.fetch_add(1, Ordering::AcqRel) < self.max {
            true
        } else {
            self.running.fetch_sub(1, Ordering::AcqRel);
            false
        }
    }
}
