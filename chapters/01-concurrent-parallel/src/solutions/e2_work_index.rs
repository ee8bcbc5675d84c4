//! Exercise 1.2 (reference solution) — a pool's shared work index: every job to exactly one
//! worker.
//!
//! The book's process pool takes jobs from a shared queue: a worker that is done asks for the
//! next job, so a worker that drew a cheap number (most are) soon comes back for more, and the
//! expensive primes spread over the workers by themselves. For jobs numbered 0..len the whole
//! queue can be one shared counter: a worker claims the next index with one atomic
//! read-modify-write. `prime-check --variant threads` is a pool of worker threads built on it;
//! `tests/exercise_1_2.rs` grades it (`cargo xtask exercise check 1.2`).
//!
//! The atomic comes from `common::sync`, so the model checker can interleave the workers'
//! claims. A load followed by a separate store would let two workers read the same index and
//! both take that job (the lost update of chapter 14); `fetch_add` cannot.

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
        // One indivisible read-modify-write: no two callers can get the same value. Relaxed is
        // enough: the counter protects no other data (each job's input is read-only).
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        // Past the end, the counter keeps growing harmlessly (a usize cannot wrap in practice:
        // each caller stops at its first `None`).
        (i < self.len).then_some(i)
    }
}
