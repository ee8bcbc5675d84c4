//! CLI tests against the real `chapter-14` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; a fix prints JSON and exits 0; `--seed` replays the
//! pauses.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_14: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-14"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_14.check_usage_errors(&chapter_14::CHAPTER);
}

#[test]
fn the_fixes_print_json_and_exit_0() {
    let lines = CHAPTER_14.json_lines(&[
        "run",
        "check-then-act",
        "--variant",
        "one-lock",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["variant"], "one-lock");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "overdrafts"), 0.0);
}

#[test]
fn the_seed_replays_the_pauses() {
    let narrative = |seed: &str| {
        let lines = CHAPTER_14.json_lines(&[
            "run",
            "lost-updates",
            "--variant",
            "fetch-add",
            "--quick",
            "--json",
            "--seed",
            seed,
        ]);
        let sum = figure(&lines[0], "sum of pauses");
        let pauses = lines[0]["narrative"][1]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (sum, pauses)
    };
    let (sum_a, a) = narrative("7");
    let (sum_b, b) = narrative("7");
    assert_eq!(a, b);
    assert_eq!(sum_a, sum_b);
    assert!(a.contains("seed 7"), "{a}");
}
