//! The Python side by side: with `python3` both sides compute the same answers in one table;
//! without it (`PATH` pointing at an empty directory) the run says so, shows the Rust side and
//! exits 0; and a Python side that computed something else is a run that did not show.

#![cfg(not(shuttle))]

use chapter_2::CHAPTER;
use chapter_2::python::{self, PythonRun};
use common::cli_test::ChapterBinary;
use common::python::{Measured, SKIPPED};
use common::{RunConfig, Verdict};

const BINARY: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-2"));

fn config() -> RunConfig {
    let example = CHAPTER
        .example("python-side-by-side")
        .expect("python-side-by-side is registered");
    RunConfig::quick(example, "run")
}

#[test]
fn with_or_without_python3_it_runs_and_says_which() {
    BINARY.check_python_side_by_side(&CHAPTER, 2);
}

#[test]
fn the_verdict_is_the_answers_not_the_times() {
    let ms = std::time::Duration::from_millis;
    let rust = vec![Measured::new(ms(10), 5), Measured::new(ms(20), 5)];
    // Two workers slower than one: an odd time, still the same answers.
    let agreeing = PythonRun {
        version: "3.11.7".into(),
        measured: vec![Measured::new(ms(100), 5), Measured::new(ms(300), 5)],
    };
    let outcome = python::side_by_side(&config(), 10, Some(agreeing.clone()), rust.clone());
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let mut wrong = agreeing;
    wrong.measured[1] = Measured::new(ms(50), 4);
    let outcome = python::side_by_side(&config(), 10, Some(wrong), rust.clone());
    assert_eq!(outcome.verdict, Verdict::DidNotShow, "{outcome:#?}");
    assert!(outcome.mentions("differ in: 2 workers"), "{outcome:#?}");
    let alone = python::side_by_side(&config(), 10, None, rust);
    assert_eq!(alone.verdict, Verdict::Showed, "{alone:#?}");
    assert!(alone.mentions(SKIPPED), "{alone:#?}");
}
