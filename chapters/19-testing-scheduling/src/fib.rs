//! The book's Fibonacci functions, the code under test in `Chapter19/example5.py` to `example7.py`:
//! a recursive one on machine integers, an iterative one on big integers, and a fast independent
//! oracle for the last digits.
//!
//! Python's integers grow without bound, so the book's iterative `fib(500000)` (104 494 digits)
//! just works; Rust's do not, and the workspace has no big-integer crate, so [`BigNat`] is the
//! few lines needed: numbers as base-10^18 limbs, with addition only — exactly what the
//! iterative loop uses. The book's tests compare `fib(n) % 10**10` with known values;
//! [`fib_mod`] computes that remainder by fast doubling in O(log n) steps, an oracle that
//! shares no code with the function it checks.
//!
//! Run: nothing to run here; see the `testing` example and the unit tests below.
//! Book section: chapter 19, "Testing concurrent programs" (unit testing).

/// The book's recursive `fib`: fib(0) = 0, fib(1) = 1. Exponential time: keep `n` small.
pub fn fib_recursive(n: u32) -> u64 {
    if n < 2 {
        u64::from(n)
    } else {
        fib_recursive(n - 1) + fib_recursive(n - 2)
    }
}

/// One limb holds 18 decimal digits; two limbs plus a carry still fit a `u64`.
const BASE: u64 = 1_000_000_000_000_000_000;

/// A natural number of any size, least significant base-10^18 limb first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigNat {
    limbs: Vec<u64>,
}

impl BigNat {
    /// The number `n`.
    pub fn from_u64(n: u64) -> Self {
        let mut limbs = vec![n % BASE];
        if n >= BASE {
            limbs.push(n / BASE);
        }
        Self { limbs }
    }

    /// `self += other`, schoolbook addition with carry.
    pub fn add_assign(&mut self, other: &Self) {
        let n = other.limbs.len();
        if self.limbs.len() < n {
            self.limbs.resize(n, 0);
        }
        let mut carry = 0;
        // A compare and a subtract instead of `%` and `/`: the sum of two limbs and a carry is
        // below 2 * BASE, so at most one BASE comes off. This loop is the whole cost of `fib`.
        for (limb, &add) in self.limbs[..n].iter_mut().zip(&other.limbs) {
            let sum = *limb + add + carry;
            let over = sum >= BASE;
            *limb = if over { sum - BASE } else { sum };
            carry = u64::from(over);
        }
        for limb in &mut self.limbs[n..] {
            if carry == 0 {
                break;
            }
            let sum = *limb + carry;
            let over = sum >= BASE;
            *limb = if over { sum - BASE } else { sum };
            carry = u64::from(over);
        }
        if carry > 0 {
            self.limbs.push(carry);
        }
    }

    /// The number modulo 10^digits (`digits` at most 18): the book's `fib(n) % 10**10`.
    pub fn last_digits(&self, digits: u32) -> u64 {
        assert!(digits <= 18, "one limb holds 18 digits");
        self.limbs[0] % 10u64.pow(digits)
    }

    /// How many decimal digits the number has.
    pub fn digit_count(&self) -> usize {
        let top = self.limbs.last().copied().unwrap_or(0);
        (self.limbs.len() - 1) * 18 + top.checked_ilog10().map_or(1, |d| d as usize + 1)
    }
}

impl std::fmt::Display for BigNat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut limbs = self.limbs.iter().rev();
        write!(f, "{}", limbs.next().copied().unwrap_or(0))?;
        for limb in limbs {
            write!(f, "{limb:018}")?;
        }
        Ok(())
    }
}

/// The book's iterative `fib` on big integers: `a, b = b, a + b`, `n` times.
pub fn fib_iterative(n: u32) -> BigNat {
    let (mut a, mut b) = (BigNat::from_u64(0), BigNat::from_u64(1));
    for _ in 0..n {
        a.add_assign(&b);
        std::mem::swap(&mut a, &mut b);
    }
    a
}

/// fib(n) mod `m` by fast doubling: F(2k) = F(k)(2F(k+1) − F(k)), F(2k+1) = F(k)² + F(k+1)².
pub fn fib_mod(n: u64, m: u64) -> u64 {
    let m = u128::from(m);
    // Walk the bits of n from the top, keeping (F(k), F(k+1)) mod m.
    let (mut a, mut b) = (0u128, 1u128 % m);
    for bit in (0..u64::BITS - n.leading_zeros()).rev() {
        let two_b_minus_a = (2 * b + m - a) % m;
        let (c, d) = (a * two_b_minus_a % m, (a * a + b * b) % m);
        (a, b) = if n >> bit & 1 == 1 {
            (d, (c + d) % m)
        } else {
            (c, d)
        };
    }
    a as u64
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use super::*;

    // The book's example5: fib(0), fib(1), fib(10).
    #[test]
    fn recursive_fib_starts_0_1_and_fib_10_is_55() {
        assert_eq!(fib_recursive(0), 0);
        assert_eq!(fib_recursive(1), 1);
        assert_eq!(fib_recursive(10), 55);
    }

    #[test]
    fn iterative_fib_agrees_with_the_recursive_one() {
        for n in 0..30 {
            assert_eq!(fib_iterative(n).to_string(), fib_recursive(n).to_string());
        }
    }

    #[test]
    fn big_fib_has_the_right_digits() {
        // fib(100) and fib(300), well past u64 and u128.
        assert_eq!(fib_iterative(100).to_string(), "354224848179261915075");
        assert_eq!(
            fib_iterative(300).to_string(),
            "222232244629420445529739893461909967206666939096499764990979600"
        );
        assert_eq!(fib_iterative(300).digit_count(), 63);
    }

    #[test]
    fn fast_doubling_agrees_with_the_big_integers() {
        for n in [0, 1, 2, 10, 93, 94, 1_000, 4_321, 10_000] {
            let big = fib_iterative(n);
            assert_eq!(
                big.last_digits(10),
                fib_mod(u64::from(n), 10_000_000_000),
                "n = {n}"
            );
        }
    }

    // The book's example6 assertions, checked against the oracle (instant). The big-integer
    // function itself is checked at these n by the `testing` example run without `--quick`.
    #[test]
    fn the_books_values_mod_10_pow_10() {
        let m = 10_000_000_000;
        assert_eq!(fib_mod(499_990, m), 9_998_843_695);
        assert_eq!(fib_mod(499_995, m), 1_798_328_130);
        assert_eq!(fib_mod(500_000, m), 9_780_453_125);
    }
}
