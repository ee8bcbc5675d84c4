//! The book's slow tests (`Chapter19/example6.py`) as real `#[test]`s: big-integer `fib` at
//! n = 499 990, 499 995 and 500 000, last ten digits against the book's values. Ignored by
//! default (seconds each); they are the suite for trying the test runners' parallelism:
//!
//! ```sh
//! cargo test -p chapter-19 --release --test slow_fib -- --ignored --test-threads=1   # serially
//! cargo test -p chapter-19 --release --test slow_fib -- --ignored                    # in parallel
//! cargo nextest run -p chapter-19 --release --test slow_fib --run-ignored only       # a process each
//! ```

#![cfg(not(any(shuttle, loom)))]

use chapter_19::fib::fib_iterative;

const TEN_DIGITS: u32 = 10;

#[test]
#[ignore = "slow: the book's n = 500 000; run with --ignored"]
fn test_fib_499990() {
    assert_eq!(
        fib_iterative(499_990).last_digits(TEN_DIGITS),
        9_998_843_695
    );
}

#[test]
#[ignore = "slow: the book's n = 500 000; run with --ignored"]
fn test_fib_499995() {
    assert_eq!(
        fib_iterative(499_995).last_digits(TEN_DIGITS),
        1_798_328_130
    );
}

#[test]
#[ignore = "slow: the book's n = 500 000; run with --ignored"]
fn test_fib_500000() {
    assert_eq!(
        fib_iterative(500_000).last_digits(TEN_DIGITS),
        9_780_453_125
    );
}
