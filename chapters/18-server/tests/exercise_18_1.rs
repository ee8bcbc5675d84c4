//! Grading suite of exercise 18.1 (`evaluate`), run by `cargo xtask exercise check 18.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_evaluate.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: the protocol's examples (whitespace around items
//! allowed), an empty or all-whitespace list is `Empty`, a bad item is named trimmed, and a sum or
//! product that leaves i64 is `Overflow` — never a wrapped or clamped number, never a panic —
//! fixed cases first, then random lists against 128-bit arithmetic.

/// The tests, against the `evaluate` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::evaluate;
        use chapter_18::request::{EvalError, Mode};
        use proptest::prelude::*;

        /// `evaluate`, with a panic turned into a failure that says what a panic means here.
        fn answer(mode: Mode, list: &str) -> Result<i64, EvalError> {
            std::panic::catch_unwind(|| evaluate(mode, list)).unwrap_or_else(|payload| {
                let said = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("");
                panic!(
                    "evaluate({mode:?}, {list:?}) panicked ({said}): an answer that does not fit \
                     in an i64 must be EvalError::Overflow, never a panic (`+` and `*` on i64 \
                     panic in a debug build), and a bad item is an error, not a panic"
                )
            })
        }

        /// Checks one answer; an expected `Overflow` answered with a number says so.
        fn expect(mode: Mode, list: &str, want: Result<i64, EvalError>, why: &str) {
            let got = answer(mode, list);
            match (&got, &want) {
                (Ok(n), Err(EvalError::Overflow)) => panic!(
                    "evaluate({mode:?}, {list:?}) = Ok({n}): the result does not fit in an i64 and \
                     must be EvalError::Overflow, not a wrapped or clamped number"
                ),
                _ => assert_eq!(got, want, "evaluate({mode:?}, {list:?}): {why}"),
            }
        }

        #[test]
        fn the_protocols_examples() {
            let spaced = "whitespace around an item is allowed: trim each item before parsing it";
            expect(Mode::Sum, "1,2,3", Ok(6), "the sum of 1, 2 and 3");
            expect(Mode::Product, "1, 2,3", Ok(6), spaced);
            expect(Mode::Sum, " -4 , 5 ", Ok(1), spaced);
            expect(Mode::Product, " -4 , 5 ", Ok(-20), spaced);
            expect(Mode::Sum, "42", Ok(42), "one item is its own sum");
            expect(Mode::Product, "\t7 ", Ok(7), spaced);
        }

        #[test]
        fn bad_lists_are_errors_naming_the_item() {
            let empty = "an all-whitespace list is EvalError::Empty, like an empty one";
            expect(Mode::Sum, "", Err(EvalError::Empty), "an empty list is EvalError::Empty");
            expect(Mode::Product, "   ", Err(EvalError::Empty), empty);
            expect(Mode::Sum, " \t ", Err(EvalError::Empty), empty);
            for (list, item) in [
                ("1,x", "x"),
                ("1.5", "1.5"),
                ("'6'", "'6'"),
                ("1,,2", ""),
                ("1, two ,3", "two"),
                ("1,", ""),
            ] {
                expect(
                    Mode::Sum,
                    list,
                    Err(EvalError::NotAnInteger(item.into())),
                    "a bad item (an empty one too) is EvalError::NotAnInteger, item trimmed",
                );
            }
        }

        #[test]
        fn overflow_is_an_error_never_a_wrap_or_a_panic() {
            let (max, min) = (i64::MAX, i64::MIN);
            let why = "a result outside i64 is EvalError::Overflow";
            expect(Mode::Sum, &format!("{max},1"), Err(EvalError::Overflow), why);
            expect(Mode::Sum, &format!("{min},-1"), Err(EvalError::Overflow), why);
            expect(Mode::Product, &format!("{max},2"), Err(EvalError::Overflow), why);
            expect(Mode::Product, &format!("{min},-1"), Err(EvalError::Overflow), why);
            expect(Mode::Product, &format!("{min}, {min}"), Err(EvalError::Overflow), why);
            expect(
                Mode::Sum,
                &format!("{max},1,-1"),
                Err(EvalError::Overflow),
                "the list is folded left to right: once a step leaves i64 it is Overflow",
            );
            expect(Mode::Sum, &format!("{max},-1,1"), Ok(max), "every step fits");
            expect(Mode::Product, &format!("{min},1"), Ok(min), "i64::MIN fits");
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
                expect(mode, &list, model(mode, &numbers), "differs from 128-bit arithmetic");
            }
        }
    };
}

/// The learner's `evaluate` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_18::evaluate);
}

#[cfg(mutants)]
mod e1_unchecked_fold {
    suite!(chapter_18::mutants::e1_unchecked_fold);
}

#[cfg(mutants)]
mod e1_saturating {
    suite!(chapter_18::mutants::e1_saturating);
}

#[cfg(mutants)]
mod e1_untrimmed_items {
    suite!(chapter_18::mutants::e1_untrimmed_items);
}

#[cfg(mutants)]
mod e1_whitespace_not_empty {
    suite!(chapter_18::mutants::e1_whitespace_not_empty);
}
