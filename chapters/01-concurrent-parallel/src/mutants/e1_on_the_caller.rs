//! A wrong split for exercise 1.1.
//!
//! Wrong: ignores `threads` and tests every number in one loop on the calling thread: the right
//! primes in the right order, with no thread at all.
//! Caught: the calling thread did

use crate::primes::is_prime;

/// The primes among `numbers`, in input order.
pub fn primes_split(numbers: &[u64], _threads: usize) -> Vec<u64> {
    numbers.iter().copied().filter(|&n| is_prime(n)).collect()
}
