//! A wrong work index for exercise 1.2.
//!
//! Wrong: checks that jobs are left, then takes one with `fetch_add` in a second step, so two workers that both saw the last job left get it and the index past the end.
//! Caught: past the last job

use common::sync::atomic::{AtomicUsize, Ordering};

/// Hands out the indices `0..len`, each exactly once, to whichever worker asks first.
#[derive(Debug)]
pub struct WorkIndex {
    next: AtomicUsize,
    len: usize,
}

impl WorkIndex {
    /// An index over the jobs `0..len`.
    pub fn new(len: usize) -> Self {
        Self {
            next: AtomicUsize::new(0),
            len,
        }
    }

    /// Claims the next job: `Some(i)` for a job no other caller got, `None` once all are gone.
    pub fn claim(&self) -> Option<usize> {
        if self.next.load(Ordering::SeqCst) < self.len {
            Some(self.next.fetch_add(1, Ordering::SeqCst))
        } else {
            None
        }
    }
}
