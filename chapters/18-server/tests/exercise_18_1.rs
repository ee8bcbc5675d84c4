//! Grading suite of exercise 18.1 (`evaluate`), run by `cargo xtask exercise check 18.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_evaluate.rs`. Fixed cases from the protocol, then property
//! tests against 128-bit arithmetic (which cannot overflow for these inputs).

use chapter_18::evaluate::evaluate;
use chapter_18::protocol::{EvalError, Mode};
use proptest::prelude::*;

#[test]
fn the_protocols_examples() {
    assert_eq!(evaluate(Mode::Sum, "1,2,3"), Ok(6));
    assert_eq!(evaluate(Mode::Product, "1, 2,3"), Ok(6));
    assert_eq!(evaluate(Mode::Sum, " -4 , 5 "), Ok(1));
    assert_eq!(evaluate(Mode::Product, " -4 , 5 "), Ok(-20));
    assert_eq!(evaluate(Mode::Sum, "42"), Ok(42));
}

#[test]
fn bad_lists_are_errors_naming_the_item() {
    assert_eq!(evaluate(Mode::Sum, ""), Err(EvalError::Empty));
    assert_eq!(evaluate(Mode::Product, "   "), Err(EvalError::Empty));
    for (list, item) in [
        ("1,x", "x"),
        ("1.5", "1.5"),
        ("'6'", "'6'"),
        ("1,,2", ""),
        ("1, two ,3", "two"),
    ] {
        assert_eq!(
            evaluate(Mode::Sum, list),
            Err(EvalError::NotAnInteger(item.into())),
            "{list:?}"
        );
    }
}

#[test]
fn overflow_is_an_error_never_a_wrap_or_a_panic() {
    let max = i64::MAX;
    assert_eq!(
        evaluate(Mode::Sum, &format!("{max},1")),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        evaluate(Mode::Sum, &format!("{},-1", i64::MIN)),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        evaluate(Mode::Product, &format!("{max},2")),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        evaluate(Mode::Product, &format!("{},-1", i64::MIN)),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        evaluate(Mode::Sum, &format!("{max},1,-1")),
        Err(EvalError::Overflow)
    );
    assert_eq!(evaluate(Mode::Sum, &format!("{max},-1,1")), Ok(max));
}

/// What a left-to-right fold with checked steps gives, computed in i128.
fn model(mode: Mode, numbers: &[i64]) -> Result<i64, EvalError> {
    let mut acc: i128 = if mode == Mode::Sum { 0 } else { 1 };
    for &n in numbers {
        acc = if mode == Mode::Sum {
            acc + n as i128
        } else {
            acc * n as i128
        };
        if i64::try_from(acc).is_err() {
            return Err(EvalError::Overflow);
        }
    }
    Ok(acc as i64)
}

fn numbers() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(
        prop_oneof![
            -1000i64..1000,
            any::<i64>(),
            Just(i64::MAX),
            Just(i64::MIN),
            Just(-1i64)
        ],
        1..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_wide_arithmetic(numbers in numbers(), product in any::<bool>(), spaced in any::<bool>()) {
        let mode = if product { Mode::Product } else { Mode::Sum };
        let sep = if spaced { " , " } else { "," };
        let list = numbers.iter().map(i64::to_string).collect::<Vec<_>>().join(sep);
        prop_assert_eq!(evaluate(mode, &list), model(mode, &numbers), "{}", list);
    }
}
