//! A wrong `evaluate` for exercise 18.1.
//!
//! Wrong: only an empty string counts as an empty list, so an all-whitespace list is reported
//! as a bad item `""` instead of `EvalError::Empty`.
//! Caught: an all-whitespace list is EvalError::Empty

use crate::request::{EvalError, Mode};

/// One checked step of the fold: `None` on overflow.
type Step = fn(i64, i64) -> Option<i64>;

/// The sum or product of `list`.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    if list.is_empty() {
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
