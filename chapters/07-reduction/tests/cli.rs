//! CLI tests against the real `chapter-7` binary: every usage error the registry implies exits 2
//! with one line; the book example prints its final result; `--json` prints one outcome per line.

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;

const CHAPTER_7: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-7"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_7.check_usage_errors(&chapter_7::CHAPTER);
    CHAPTER_7.usage_error(
        &["run", "parallel-sum", "--threads", "65"],
        "give 1 to 64 consumer threads",
    );
}

#[test]
fn the_book_example_prints_190() {
    let stdout = CHAPTER_7.stdout(&["run", "parallel-sum", "--variant", "book"], 0);
    assert!(stdout.contains("Final result: 190."), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_7.json_lines(&["run", "associativity", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[0]["verdict"], "showed");
}
