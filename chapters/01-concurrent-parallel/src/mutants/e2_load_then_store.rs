//! A wrong work index for exercise 1.2.
//!
//! Wrong: reads the counter, then stores it plus one in a second step, so two workers that read at the same moment both get the same job.
//! Caught: claimed twice

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
        let i = self.next.load(Ordering::SeqCst);
        if i >= self.len {
            return None;
        }
        self.next.store(i + 1, Ordering::SeqCst);
        Some(i)
    }
}
