//! A wrong work index for exercise 1.2.
//!
//! Wrong: one `compare_exchange`, and a caller that loses the race to another gets `None`, as if every job were gone, while jobs remain.
//! Caught: None must mean every job is gone

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
        self.next
            .compare_exchange(i, i + 1, Ordering::SeqCst, Ordering::SeqCst)
            .ok()
    }
}
