//! Exercise 18.1 (reference solution): answer a comma-separated list in sum or product mode,
//! with overflow as an error instead of a wrapped or panicking result.
//!
//! Python's integers never overflow, so the book's server could not have this bug; Rust's `i64`
//! can, and `+` in a release build silently wraps. `checked_add` / `checked_mul` make the
//! overflow a value the server answers with an error line.
//!
//! Run the suite: `cargo xtask exercise check 18.1`. Book: chapter 18, example2.py/example3.py
//! (`sum(...)` and `reduce(operator.mul, ...)`).

use crate::request::{EvalError, Mode};

/// One checked step of the fold: `None` on overflow.
type Step = fn(i64, i64) -> Option<i64>;

/// The sum or product of `list`: comma-separated 64-bit signed integers, each with optional
/// whitespace around it (`" 1, -2,3 "`). An empty or all-whitespace list is [`EvalError::Empty`];
/// an item that is not an integer (empty items included) is [`EvalError::NotAnInteger`] with the
/// trimmed item; a result outside `i64` is [`EvalError::Overflow`].
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    if list.trim().is_empty() {
        return Err(EvalError::Empty);
    }
    let (start, step): (i64, Step) = match mode {
        Mode::Sum => (0, i64::checked_add),
        Mode::Product => (1, i64::checked_mul),
    };
    list.split(',').try_fold(start, |acc, item| {
        let item = item.trim();
        let n: i64 = item
            .parse()
            .map_err(|_| EvalError::NotAnInteger(item.to_string()))?;
        step(acc, n).ok_or(EvalError::Overflow)
    })
}
