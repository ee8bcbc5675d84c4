//! Exercise 1.1 (reference solution) — split the prime check across N scoped threads.
//!
//! The simplest way to put more cores on the book's prime check: cut the list into `threads`
//! contiguous chunks, give each chunk to a scoped thread, and join the threads in order, so the
//! primes come back in the order of the input. `prime-check --variant split` runs it; the tests
//! in `tests/exercise_1_1.rs` grade it (`cargo xtask exercise check 1.1`).
//!
//! Threads come from `common::sync::thread::scope`, so the same code runs on real threads and
//! under the shuttle model checker. Expect the same primes as the sequential check, and a
//! speedup held back by the uneven cost: the chunk holding most of the primes finishes last.

use common::sync::thread;

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads, each testing
/// one contiguous chunk. Every number is tested exactly once, even when `threads` does not
/// divide the length or exceeds it.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let threads = threads.max(1);
    // Round up, so that `threads` chunks cover every number (the last may be shorter).
    let chunk = numbers.len().div_ceil(threads).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .copied()
                        .filter(|&n| is_prime(n))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Joining in spawn order keeps the input order, whichever thread finished first.
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a prime-check thread panicked"))
            .collect()
    })
}
