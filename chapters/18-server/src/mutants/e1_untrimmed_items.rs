//! A wrong `evaluate` for exercise 18.1.
//!
//! Wrong: trims the whole list but not each item, so `"1, 2,3"` fails on `" 2"`.
//! Caught: whitespace around an item is allowed

use crate::request::{EvalError, Mode};

/// One checked step of the fold: `None` on overflow.
type Step = fn(i64, i64) -> Option<i64>;

/// The sum or product of `list`.
pub fn evaluate(mode: Mode, list: &str) -> Result<i64, EvalError> {
    let list = list.trim();
    if list.is_empty() {
        return Err(EvalError::Empty);
    }
    let (start, step): (i64, Step) = match mode {
        Mode::Sum => (0, i64::checked_add),
        Mode::Product => (1, i64::checked_mul),
    };
    list.split(',').try_fold(start, |acc, item| {
        let n: i64 = item
            .parse()
            .map_err(|_| EvalError::NotAnInteger(item.to_string()))?;
        step(acc, n).ok_or(EvalError::Overflow)
    })
}
