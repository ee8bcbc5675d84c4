//! Exercise 19.1 — the gate behind APScheduler's `max_instances`.
//!
//! The book's `Chapter19/example3.py` runs a 4-second job every 3 seconds with
//! `max_instances=3`: runs overlap, and a scheduler must cap how many run at once, skipping a
//! run when the cap is reached. This chapter's scheduler asks an `InstanceGate` before each run.
//!
//! Write the gate as one atomic count (use `AtomicUsize` from `common::sync`, which becomes the
//! model checker's own under test). `try_enter` must check the count and add one *in a single
//! atomic step*: a `load`, an `if` and a `store` let two threads both see a free place and both
//! take it (see `cargo run -p chapter-19 -- run model-checking --variant broken`).
//!
//! What the grader checks (`cargo xtask exercise check 19.1`):
//! - `try_enter` admits exactly `max` callers and refuses the next; `leave` frees a place;
//! - eight real threads entering and leaving never see more than `max` inside, and an observer
//!   reading `running()` meanwhile never reads more than `max` either;
//! - a run is never turned away while a place is free, however many threads race for it;
//! - every place is given back once every run has left;
//! - under the shuttle model checker, the same over many schedules of three runs and an observer
//!   at a gate of two.

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
        // TODO: take a place only while one is free, checking and taking in one atomic step.
        let _ = (&self.running, self.max);
        todo!("take a place atomically, or refuse")
    }

    /// Gives back a place taken by a successful [`InstanceGate::try_enter`].
    pub fn leave(&self) {
        // TODO: give the place back, however many runs leave at once.
        todo!("give the place back")
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
