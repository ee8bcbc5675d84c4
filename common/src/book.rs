//! The book's inputs that more than one chapter uses, written once so the chapters test the same
//! data.
//!
//! Data only, nothing runs here. Chapter 6's process pool (`chapter-6 run process-pool`) and
//! chapter 20's task pipelines (`chapter-20 run shutdown`) both take [`PRIMALITY_NUMBERS`] as
//! their tasks, as the book's `Chapter06/example7.py` and `example8.py` do.

/// The numbers the book tests for primality with a pool of processes (`Chapter06/example7.py`
/// and `example8.py`): five primes (2, 101, 193, 1327, and 433,785,907, the one trial division
/// takes longest over) and five composites.
pub const PRIMALITY_NUMBERS: [u64; 10] = [
    2,
    36,
    101,
    193,
    323,
    513,
    1327,
    100_000,
    9_999_999,
    433_785_907,
];
