//! The Python side by side: with `python3` both sides get the same statuses from the local
//! server in one table; without it (`PATH` pointing at an empty directory) the run says so,
//! shows the Rust side and exits 0; and wrong statuses or a pool the server saw serialized make a
//! run that did not show.

#![cfg(not(shuttle))]

use chapter_5::CHAPTER;
use chapter_5::check_status::Workload;
use chapter_5::python::{self, Fetched};
use common::cli_test::ChapterBinary;
use common::python::{Measured, SKIPPED};
use common::{RunConfig, Verdict};

const BINARY: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-5"));

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
fn the_verdict_is_statuses_and_concurrency_not_the_times() {
    let workload = Workload {
        requests: 3,
        latency: std::time::Duration::from_millis(25),
    };
    let ms = std::time::Duration::from_millis;
    let fetched = |time, statuses: &str, peak| Fetched {
        measured: Measured::new(ms(time), statuses),
        peak_in_flight: peak,
    };
    let rust = vec![fetched(80, "200 400 404", 1), fetched(30, "200 400 404", 3)];
    // The pool slower than sequential: an odd time, still the right statuses and concurrency.
    let python = vec![fetched(80, "200 400 404", 1), fetched(90, "200 400 404", 2)];
    let py = |f: Vec<Fetched>| Some(("3.11.7".to_string(), f));
    let outcome = python::side_by_side(&config(), workload, 3, py(python.clone()), rust.clone());
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let mut wrong = python.clone();
    wrong[1] = fetched(30, "200 400 0", 3);
    let outcome = python::side_by_side(&config(), workload, 3, py(wrong), rust.clone());
    assert_eq!(outcome.verdict, Verdict::DidNotShow, "{outcome:#?}");
    let mut serialized = python;
    serialized[1] = fetched(80, "200 400 404", 1);
    let outcome = python::side_by_side(&config(), workload, 3, py(serialized), rust.clone());
    assert_eq!(outcome.verdict, Verdict::DidNotShow, "{outcome:#?}");
    let alone = python::side_by_side(&config(), workload, 3, None, rust);
    assert_eq!(alone.verdict, Verdict::Showed, "{alone:#?}");
    assert!(alone.mentions(SKIPPED), "{alone:#?}");
}
