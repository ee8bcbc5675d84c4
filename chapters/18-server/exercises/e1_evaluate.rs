//! Exercise 18.1: answer a comma-separated list in sum or product mode, with overflow as an
//! error instead of a wrapped or panicking result.
//!
//! Task: write `evaluate`. `"1, 2,3"` in sum mode is `Ok(6)`, in product mode `Ok(6)`;
//! `" -4 , 5 "` is `Ok(1)` / `Ok(-20)`. An empty or all-whitespace list is `EvalError::Empty`;
//! an item that is not an `i64` (`"x"`, `"1.5"`, `"'6'"`, an empty item in `"1,,2"`) is
//! `EvalError::NotAnInteger(item)` with the item trimmed; a result that does not fit in an `i64`
//! is `EvalError::Overflow` — never a wrapped number, never a panic.
//!
//! Checked by `cargo xtask exercise check 18.1`: fixed cases plus property tests that compare
//! your answer with 128-bit arithmetic on random lists. Book: chapter 18, example2.py.

use crate::protocol::{EvalError, Mode};

/// The sum or product of `list`; see the module doc for the rules.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    // TODO: reject an empty list, split on ',', trim and parse each item as i64, and combine
    // them with checked arithmetic (sum starts at 0, product at 1).
    let _ = (mode, list, EvalError::Empty);
    todo!("evaluate the list")
}
