//! The Python side by side: with `python3` asyncio and tokio give the same answers in one table;
//! without it (`PATH` pointing at an empty directory) the run says so, shows the Rust side and
//! exits 0; and a Python side that answered otherwise is a run that did not show.

#![cfg(not(shuttle))]

use chapter_10::CHAPTER;
use chapter_10::python::{self, Checked, PythonRun};
use common::cli_test::ChapterBinary;
use common::python::{Measured, SKIPPED};
use common::{RunConfig, Verdict};

const BINARY: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-10"));

fn config() -> RunConfig {
    let example = CHAPTER
        .example("python-side-by-side")
        .expect("python-side-by-side is registered");
    RunConfig::quick(example, "run")
}

#[test]
fn with_or_without_python3_it_runs_and_says_which() {
    BINARY.check_python_side_by_side(&CHAPTER, 3);
}

#[test]
fn the_verdict_is_the_answers_not_the_times() {
    let ms = std::time::Duration::from_millis;
    let numbers = [157, 13, 7];
    let checked = |time, answer: &str| Checked {
        measured: Measured::new(ms(time), answer),
        order: numbers.to_vec(),
    };
    let rust: Vec<Checked> = (0..3).map(|_| checked(10, "1 1 1")).collect();
    // Python faster than Rust: an odd time, still the same answers.
    let agreeing = PythonRun {
        version: "3.11.7".into(),
        checked: (0..3).map(|_| checked(5, "1 1 1")).collect(),
    };
    let outcome = python::side_by_side(&config(), &numbers, Some(agreeing.clone()), rust.clone());
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let mut wrong = agreeing;
    wrong.checked[1] = checked(5, "1 0 1");
    let outcome = python::side_by_side(&config(), &numbers, Some(wrong), rust.clone());
    assert_eq!(outcome.verdict, Verdict::DidNotShow, "{outcome:#?}");
    assert!(outcome.mentions("differ in: yielding"), "{outcome:#?}");
    let alone = python::side_by_side(&config(), &numbers, None, rust);
    assert_eq!(alone.verdict, Verdict::Showed, "{alone:#?}");
    assert!(alone.mentions(SKIPPED), "{alone:#?}");
}
