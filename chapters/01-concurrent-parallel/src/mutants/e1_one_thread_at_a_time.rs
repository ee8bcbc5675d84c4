//! A wrong split for exercise 1.1.
//!
//! Wrong: spawns each chunk's thread and joins it before spawning the next: the right primes in
//! the right order, on threads, but only one of them ever works at a time.
//! Caught: at most one thread worked at a time

use common::sync::thread;

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, chunk by chunk on one thread after another.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let chunk = numbers.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|scope| {
        numbers
            .chunks(chunk)
            .flat_map(|part| {
                scope
                    .spawn(move || {
                        part.iter()
                            .copied()
                            .filter(|&n| is_prime(n))
                            .collect::<Vec<_>>()
                    })
                    .join()
                    .expect("a prime-check thread panicked")
            })
            .collect()
    })
}
