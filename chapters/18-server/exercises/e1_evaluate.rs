//! Exercise 18.1: answer a comma-separated list in sum or product mode, with overflow as an
//! error instead of a wrapped or panicking result.
//!
//! Task: write `evaluate`. `"1, 2,3"` in sum mode is `Ok(6)`, in product mode `Ok(6)`;
//! `" -4 , 5 "` is `Ok(1)` / `Ok(-20)`. An empty or all-whitespace list is `EvalError::Empty`;
//! an item that is not an `i64` (`"x"`, `"1.5"`, `"'6'"`, an empty item in `"1,,2"`) is
//! `EvalError::NotAnInteger(item)` with the item trimmed; a result that does not fit in an `i64`
//! is `EvalError::Overflow` — never a wrapped number, never a panic.
//!
//! What the grader checks (`cargo xtask exercise check 18.1`):
//! - the examples above, whitespace around items included;
//! - an empty or all-whitespace list is `Empty`; a bad item, an empty one too, is named trimmed;
//! - a sum or product that leaves `i64` at any step (the list is folded left to right) is
//!   `Overflow`: a wrapped or clamped number is a wrong answer, and a panic fails the test;
//! - random lists, compared with 128-bit arithmetic.
//!
//! Book: chapter 18, example2.py.

use crate::request::{EvalError, Mode};

/// The sum or product of `list`; see the module doc for the rules.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    // TODO: answer the list as the module doc says, with every error an `EvalError`.
    let _ = (mode, list);
    todo!("evaluate the list")
}
