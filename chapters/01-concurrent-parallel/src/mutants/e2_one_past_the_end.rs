//! A wrong work index for exercise 1.2.
//!
//! Wrong: compares with `<=`, so it hands out `len` too, one job past the end.
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
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        (i <= self.len).then_some(i)
    }
}
