//! CLI tests against the real `chapter-13` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line.

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;

const CHAPTER_13: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-13"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_13.check_usage_errors(&chapter_13::CHAPTER);
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_13.json_lines(&["run", "priority-scheduling", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "strict");
    assert_eq!(lines[1]["variant"], "aging");
    assert_eq!(lines[1]["verdict"], "showed");
}
