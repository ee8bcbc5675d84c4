//! A wrong `evaluate` for exercise 18.1.
//!
//! Wrong: folds with plain `+` and `*`, as the book's Python does: a result outside i64 panics in
//! a debug build and wraps in a release one, instead of being `EvalError::Overflow`.
//! Caught: must be EvalError::Overflow

use crate::request::{EvalError, Mode};

/// The sum or product of `list`.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    if list.trim().is_empty() {
        return Err(EvalError::Empty);
    }
    let mut acc: i64 = match mode {
        Mode::Sum => 0,
        Mode::Product => 1,
    };
    for item in list.split(',') {
        let item = item.trim();
        let n: i64 = item
            .parse()
            .map_err(|_| EvalError::NotAnInteger(item.to_string()))?;
        acc = match mode {
            Mode::Sum => acc + n,
            Mode::Product => acc * n,
        };
    }
    Ok(acc)
}
