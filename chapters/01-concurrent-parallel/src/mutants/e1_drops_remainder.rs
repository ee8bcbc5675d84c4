//! A wrong split for exercise 1.1.
//!
//! Wrong: rounds the chunk length down and takes `threads` chunks, so the numbers left over when `threads` does not divide the length are never tested.
//! Caught: some numbers were never tested

use common::sync::thread;

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let threads = threads.max(1);
    let chunk = (numbers.len() / threads).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .take(threads)
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
