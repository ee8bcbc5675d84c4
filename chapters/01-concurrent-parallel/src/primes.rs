//! Trial-division primality and the book's workload: the 500 integers from 10^13.
//!
//! The book's `Chapter01/example1.py` opens the subject with a CPU-bound job: test each of the
//! 500 integers `[10^13, 10^13 + 500)` for primality by trial division (16 of them are prime),
//! first one after the other, then in a process pool. This module is that job, shared by every
//! variant of `prime-check` and by the exercises, so all of them test exactly the same numbers
//! with exactly the same function.
//!
//! The cost is very uneven: an even number is rejected after one division, a prime near 10^13
//! needs about 1.6 million (every odd divisor up to its square root). So the 16 primes are
//! almost all of the work, and how the numbers are shared among workers decides the speedup.
//!
//! `is_prime` only does arithmetic on its argument: it allocates nothing, takes no lock, and so
//! may run in a forked child (see `prime_check`'s process variant).

/// The first number of the book's range.
pub const BOOK_START: u64 = 10_000_000_000_000;

/// How many numbers the book tests.
pub const BOOK_COUNT: u64 = 500;

/// How many of the book's 500 numbers are prime.
pub const BOOK_PRIMES: usize = 16;

/// Trial division, as the book writes it: 2, then every odd divisor up to the square root.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let limit = n.isqrt();
    let mut d = 3;
    while d <= limit {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The workload: `count` consecutive integers from `start`.
pub fn numbers(start: u64, count: u64) -> Vec<u64> {
    (start..start + count).collect()
}

/// The primes among `numbers`, in order, one after the other on this thread.
pub fn primes_sequential(numbers: &[u64]) -> Vec<u64> {
    numbers.iter().copied().filter(|&n| is_prime(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_primes_and_composites() {
        let primes: Vec<u64> = (0..50).filter(|&n| is_prime(n)).collect();
        assert_eq!(
            primes,
            [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
        );
        // Squares of primes are the edge case of the `<= limit` test.
        for p in [3u64, 5, 7, 1_000_003] {
            assert!(!is_prime(p * p), "{p}^2");
        }
        assert!(is_prime(1_000_000_007));
        assert!(is_prime(u64::from(u32::MAX) - 4)); // 4294967291, the largest 32-bit prime
    }
}
