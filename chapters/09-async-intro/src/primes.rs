//! The book's `is_prime`, as plain CPU-bound work: trial division by every odd number up to the
//! square root. The chapter's examples use it as the work that async cannot speed up.
//!
//! [`is_prime`] is the book's synchronous version (`Chapter09/example1.py`); [`is_prime_cooperative`]
//! is its `async` twin (`example2.py`), which yields to the executor every 50,000 odd divisors —
//! the book's `if i % 100000 == 1: await asyncio.sleep(0)`. Both count their divisions, so the
//! examples can say how much work was done, and take the number through `black_box` so the
//! optimiser cannot precompute an answer for a constant.
//!
//! Run: used by `cargo run -p chapter-9 -- run sync-vs-async` and `run cooperative`.

use std::hint::black_box;

use crate::yield_now::yield_now;

/// The book's three numbers, in the book's order: a 16-digit prime (about 49 million odd trial
/// divisors), a 9-digit prime and a small one.
pub const BOOK_NUMBERS: [u64; 3] = [9_637_529_763_296_797, 427_920_331, 157];

/// The book yields when `i % 100000 == 1`: once every 50,000 odd divisors.
pub const YIELD_EVERY: u64 = 100_000;

/// The answer and how many trial divisions it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Whether the number is prime.
    pub prime: bool,
    /// Trial divisions made.
    pub divisions: u64,
    /// Times the check gave the executor back control (0 for the synchronous version).
    pub yields: u64,
}

/// Small cases both versions share: `Some` when no trial division is needed.
fn trivial(n: u64) -> Option<bool> {
    match n {
        0 | 1 => Some(false),
        2 => Some(true),
        _ if n.is_multiple_of(2) => Some(false),
        _ => None,
    }
}

/// Tries the odd divisors `from, from + 2, ..., to` (inclusive; `from` odd) on `n`. Returns
/// how many divisions were made and whether one of them divided `n`. The hot loop both versions
/// share: nothing in it but the division, so the two versions compute at the same speed.
// The book's `x % i == 0`, kept as written: `is_multiple_of` would add a zero test to the loop.
#[allow(clippy::manual_is_multiple_of)]
// Never inlined: both versions then run this one copy of the loop. Inlined, the compiler laid
// the two copies out differently and the cooperative one ran 20-40 % slower, which read as a
// cost of yielding that it is not.
#[inline(never)]
fn divide(n: u64, from: u64, to: u64) -> (u64, bool) {
    let mut i = from;
    while i <= to {
        if n % i == 0 {
            return ((i - from) / 2 + 1, true);
        }
        i += 2;
    }
    let divisions = if to >= from { (to - from) / 2 + 1 } else { 0 };
    (divisions, false)
}

/// Trial division, synchronously: runs to the end without ever giving up the thread.
pub fn is_prime(n: u64) -> Checked {
    let n = black_box(n);
    let (prime, divisions) = match trivial(n) {
        Some(prime) => (prime, 0),
        None => {
            let (divisions, divisible) = divide(n, 3, n.isqrt());
            (!divisible, divisions)
        }
    };
    Checked {
        prime,
        divisions,
        yields: 0,
    }
}

/// The same trial division as a future that yields to the executor before every divisor `i`
/// with `i % yield_every == 1` (`yield_every` even; the book's is [`YIELD_EVERY`]). Between
/// yields it runs the very loop [`is_prime`] runs: yielding lets other tasks in, it does not make
/// this one faster.
pub async fn is_prime_cooperative(n: u64, yield_every: u64) -> Checked {
    let n = black_box(n);
    if let Some(prime) = trivial(n) {
        return Checked {
            prime,
            divisions: 0,
            yields: 0,
        };
    }
    let limit = n.isqrt();
    let (mut divisions, mut yields) = (0, 0);
    let mut i = 3;
    while i <= limit {
        if i % yield_every == 1 {
            yields += 1;
            yield_now().await;
        }
        // The book tests `i % 100000 == 1` at every divisor; jumping from one yield point to the
        // next yields at exactly the same divisors without a second division in the hot loop.
        let next_yield = (i / yield_every + 1) * yield_every + 1;
        let (done, divisible) = divide(n, i, limit.min(next_yield - 2));
        divisions += done;
        if divisible {
            return Checked {
                prime: false,
                divisions,
                yields,
            };
        }
        i = next_yield;
    }
    Checked {
        prime: true,
        divisions,
        yields,
    }
}

/// How many primes are below `n` (trial division: real work for a job thread).
pub fn count_primes_below(n: u64) -> u64 {
    (2..n).filter(|&k| is_prime(k).prime).count() as u64
}

/// The `k`-th prime, counting 2 as the first (`k` ≥ 1).
pub fn nth_prime(k: u64) -> u64 {
    (2..)
        .filter(|&m| is_prime(m).prime)
        .nth(k.saturating_sub(1) as usize)
        .unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree_and_yield_where_the_book_does() {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        for n in [
            0,
            1,
            2,
            9,
            15,
            157,
            1_000_003,
            427_920_331,
            999_999_999_989,
            49_999_800_001,
        ] {
            let mut future = std::pin::pin!(is_prime_cooperative(n, 10));
            let checked = loop {
                if let std::task::Poll::Ready(checked) = future.as_mut().poll(&mut cx) {
                    break checked;
                }
            };
            let sync = is_prime(n);
            assert_eq!(
                (checked.prime, checked.divisions),
                (sync.prime, sync.divisions),
                "{n}"
            );
            // With yield_every = 10: one yield before each divisor 11, 21, 31, ... that is tried.
            let last_tried = 3 + 2 * sync.divisions.saturating_sub(1);
            let expected = if sync.divisions == 0 {
                0
            } else {
                (last_tried - 1) / 10
            };
            assert_eq!(checked.yields, expected, "{n}");
        }
    }

    #[test]
    fn small_numbers() {
        let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n).prime).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!(is_prime(157).divisions, 5); // 3, 5, 7, 9, 11 (12² > 157)
        assert_eq!(is_prime(427_920_331).divisions, (20_686 - 1) / 2);
        assert!(!is_prime(9).prime);
        assert_eq!(count_primes_below(100), 25);
        assert_eq!(nth_prime(25), 97);
    }
}
