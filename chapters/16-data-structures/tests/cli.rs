//! CLI tests against the real `chapter-16` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; a broken variant that shows its bug exits 0; `--json`
//! prints one outcome per line with its counted figures.

#![cfg(not(any(shuttle, loom)))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_16: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-16"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_16.check_usage_errors(&chapter_16::CHAPTER);
    CHAPTER_16.usage_error(&["run", "counters", "--threads", "17"], "give 1 to 16");
}

#[test]
fn the_broken_network_read_raises_the_books_key_error_and_exits_0() {
    let stdout = CHAPTER_16.stdout(
        &["run", "snapshot-read", "--variant", "broken", "--quick"],
        0,
    );
    assert!(
        stdout.contains("the reader raised KeyError: 'A'"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_16.json_lines(&[
        "run",
        "lock-free-stack",
        "--json",
        "--quick",
        "--threads",
        "2",
    ]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["variant"], "compare");
    assert_eq!(lines[1]["variant"], "aba");
    assert!(lines.iter().all(|l| l["verdict"] == "showed"), "{lines:?}");
    assert_eq!(figure(&lines[1], "duplicated pops"), 1.0);
    assert_eq!(figure(&lines[2], "duplicated pops"), 0.0);
}
