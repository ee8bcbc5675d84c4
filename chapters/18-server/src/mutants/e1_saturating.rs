//! A wrong `evaluate` for exercise 18.1.
//!
//! Wrong: folds with `saturating_add` / `saturating_mul`, so an overflow answers `i64::MAX` or
//! `i64::MIN` (a clamped number) instead of `EvalError::Overflow`.
//! Caught: must be EvalError::Overflow

use crate::request::{EvalError, Mode};

/// The sum or product of `list`.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    if list.trim().is_empty() {
        return Err(EvalError::Empty);
    }
    let (start, step): (i64, fn(i64, i64) -> i64) = match mode {
        Mode::Sum => (0, i64::saturating_add),
        Mode::Product => (1, i64::saturating_mul),
    };
    list.split(',').try_fold(start, |acc, item| {
        let item = item.trim();
        let n: i64 = item
            .parse()
            .map_err(|_| EvalError::NotAnInteger(item.to_string()))?;
        Ok(step(acc, n))
    })
}
