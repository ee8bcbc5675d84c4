//! Exercise 1.1 — split the prime check across N scoped threads, and combine the results.
//!
//! The book's `Chapter01/example1.py` tests 500 numbers for primality one after the other, then
//! hands them to a pool. Here you write the simplest parallel version: `primes_split` cuts
//! `numbers` into `threads` contiguous chunks, tests each chunk on its own scoped thread (take
//! `thread::scope` from `common::sync`: it becomes the model checker's under test), and returns
//! the primes found.
//!
//! What the grader checks (`cargo xtask exercise check 1.1`):
//! - the result is exactly the primes of `numbers`, **in input order**, like
//!   `primes_sequential` — for every thread count from 1 to 9, for one that does not divide the
//!   length, for more threads than numbers, and for no numbers at all;
//! - the numbers are tested on the threads: while they test, the calling thread spends at most
//!   three quarters of the CPU time the check costs (read from `/proc`, not a clock), and at
//!   least two of the threads are alive at once;
//! - on real threads under a watchdog, and under the shuttle model checker across many
//!   schedules (threads finish in any order; the answer must not depend on it).

#[allow(unused_imports)] // you will need both
use common::sync::thread;

#[allow(unused_imports)]
use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads, each testing
/// one contiguous chunk.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    // TODO: choose at most `threads` contiguous chunks that together cover every number once,
    // whatever the length (it may not divide evenly, and may be shorter than `threads`).
    // TODO: test each chunk on its own scoped thread.
    // TODO: return the primes in input order, whichever thread finishes first.
    let _ = (numbers, threads);
    todo!("split the prime check across scoped threads")
}
