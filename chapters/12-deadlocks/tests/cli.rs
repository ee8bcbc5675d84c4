//! CLI tests against the real `chapter-12` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; a broken variant that shows its bug exits 0; `--json`
//! prints one outcome per line.

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;

const CHAPTER_12: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-12"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_12.check_usage_errors(&chapter_12::CHAPTER);
    CHAPTER_12.usage_error(
        &["run", "dining-philosophers", "--threads", "65"],
        "give 2 to 64 philosophers",
    );
}

#[test]
fn the_broken_two_locks_prints_its_cycle_and_exits_0() {
    let stdout = CHAPTER_12.stdout(&["run", "two-locks", "--variant", "broken"], 0);
    assert!(
        stdout.contains("thread A holds lock A and waits for lock B"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_12.json_lines(&["run", "livelock", "--json", "--quick"]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[0]["verdict"], "showed");
}
