//! Exercise 1.2 — a pool's shared work index: every job to exactly one worker.
//!
//! The book's process pool takes jobs from a shared queue, so a worker that finishes early asks
//! for more, and the expensive numbers (the primes) spread over the workers by themselves. For
//! jobs numbered `0..len` the queue can be one shared counter that workers use to claim their
//! next job. `prime-check --variant threads` is a pool of worker threads built on your
//! `WorkIndex`.
//!
//! Use the atomic from `common::sync` (it becomes the model checker's under test).
//!
//! What the grader checks (`cargo xtask exercise check 1.2`):
//! - `claim` returns each of `0..len` exactly once across all callers, then only `None`;
//! - with several workers claiming at once — on real threads under a watchdog, and under the
//!   shuttle model checker across many schedules (and every schedule of two workers) — no
//!   index is handed out twice, skipped or past the end, and a worker that got `None` gets
//!   `None` again;
//! - the pool built on it tests each of the book's numbers once and finds the right primes.

use common::sync::atomic::AtomicUsize;
#[allow(unused_imports)] // you will need it
use common::sync::atomic::Ordering;

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
        // TODO: give this caller an index that no other caller gets, even one calling at the
        // same moment.
        // TODO: return `None` once every index of `0..len` is gone.
        let _ = (&self.next, self.len);
        todo!("claim the next job")
    }
}
