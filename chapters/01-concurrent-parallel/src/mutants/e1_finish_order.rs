//! A wrong split for exercise 1.1.
//!
//! Wrong: each thread pushes its primes into one shared `Mutex<Vec>`, so they come back in the order the threads finish, not in input order.
//! Caught: in the wrong order

use common::sync::{Mutex, lock, thread};

use crate::primes::is_prime;

/// The primes among `numbers`, in input order, found by `threads` scoped threads.
pub fn primes_split(numbers: &[u64], threads: usize) -> Vec<u64> {
    let threads = threads.max(1);
    let chunk = numbers.len().div_ceil(threads).max(1);
    let found = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for part in numbers.chunks(chunk) {
            let found = &found;
            scope.spawn(move || {
                let primes: Vec<u64> = part.iter().copied().filter(|&n| is_prime(n)).collect();
                lock(found).extend(primes);
            });
        }
    });
    found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
