//! Trial-division primality: the book's `is_prime`, the CPU-bound work every sweep of this
//! chapter measures.
//!
//! The book's `Chapter02/example1.py` tests the 1,000 integers from 10^13 (34 of them are prime).
//! A prime near 10^13 costs about 1.6 million divisions (every odd number up to its square root);
//! most composites are rejected after a few, so the work is lumpy: that is why the chunks of the
//! sweep take different times (see the per-worker table of `amdahl --variant book-sweep`).
//!
//! Run: `cargo run --release -p chapter-2 -- run amdahl --variant book-sweep`.

use std::ops::Range;

/// The first integer the book tests: 10^13.
pub const BOOK_START: u64 = 10_000_000_000_000;

/// How many integers the book tests.
pub const BOOK_COUNT: u64 = 1_000;

/// How many of the book's 1,000 integers are prime.
pub const BOOK_PRIMES: usize = 34;

/// The book's range, or its first `count` integers: `[10^13, 10^13 + count)`.
pub fn book_range(count: u64) -> Range<u64> {
    BOOK_START..BOOK_START + count
}

/// Trial division by 2 and then every odd number up to the square root, as the book does.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers() {
        let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert!(!is_prime(9) && !is_prime(25) && !is_prime(49));
        // 1,000,003 is prime; 1,000,001 = 101 × 9901 is not.
        assert!(is_prime(1_000_003));
        assert!(!is_prime(1_000_001));
    }
}
