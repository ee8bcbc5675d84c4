//! Exercise 1.1 — split the prime check across N scoped threads, and combine the results.
//!
//! The book's `Chapter01/example1.py` tests 500 numbers for primality one after the other, then
//! hands them to a pool. Here you write the simplest parallel version: cut `numbers` into
//! `threads` contiguous chunks, test each chunk on its own scoped thread (use
//! `common::sync::thread::scope`: it becomes the model checker's under test), and combine.
//!
//! What the grader checks (`cargo xtask exercise check 1.1`):
//! - the result is exactly the primes of `numbers`, **in input order**, like
//!   `primes_sequential` — for every thread count, including one that does not divide the
//!   length, and more threads than numbers;
//! - on real threads under a watchdog, and under the shuttle model checker across many
//!   schedules (threads finish in any order; the answer must not depend on it).

#[allow(unused_imports)] // you will need both
use common::sync::thread;

#[allow(unused_imports)]
use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads, each testing
/// one contiguous chunk.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    // TODO: pick a chunk length so that `threads` chunks cover all of `numbers` (careful with
    // the remainder, and with `threads` larger than the length).
    // TODO: in `thread::scope`, spawn one thread per chunk that returns the primes it found.
    // TODO: join the threads and combine their results so the primes come back in input order.
    let _ = (numbers, threads);
    todo!("split the prime check across scoped threads")
}
