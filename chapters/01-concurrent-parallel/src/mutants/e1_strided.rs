//! A wrong split for exercise 1.1.
//!
//! Wrong: deals the numbers out like cards (thread `i` takes every `threads`-th number from `i`), so the chunks are not contiguous and the primes, joined thread by thread, are out of order.
//! Caught: in the wrong order

use common::sync::thread;

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let threads = threads.max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(numbers.len()))
            .map(|first| {
                scope.spawn(move || {
                    numbers
                        .iter()
                        .skip(first)
                        .step_by(threads)
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
