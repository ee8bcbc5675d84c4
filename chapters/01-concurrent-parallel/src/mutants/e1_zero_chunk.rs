//! A wrong split for exercise 1.1.
//!
//! Wrong: the chunk length `len.div_ceil(threads)` is 0 for no numbers at all, and `chunks(0)` panics.
//! Caught: primes_split(0 numbers, 3 threads) panicked

use common::sync::thread;

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let chunk = numbers.len().div_ceil(threads.max(1));
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
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a prime-check thread panicked"))
            .collect()
    })
}
