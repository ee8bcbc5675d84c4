//! CLI tests against the real `chapter-17` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with its figures.

#![cfg(not(loom))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_17: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-17"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_17.check_usage_errors(&chapter_17::CHAPTER);
    CHAPTER_17.usage_error(
        &["run", "non-atomic-increment", "--threads", "1025"],
        "give 1 to 1024",
    );
}

#[test]
fn json_output_is_one_outcome_per_line_with_figures() {
    let lines = CHAPTER_17.json_lines(&["run", "non-atomic-increment", "--json", "--quick"]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["variant"], "fetch-add");
    assert_eq!(lines[1]["verdict"], "showed");
    assert_eq!(figure(&lines[1], "updates lost"), 0.0);
    assert_eq!(figure(&lines[2], "updates lost"), 0.0);
}

#[test]
fn seq_cst_store_buffering_exits_0_with_a_histogram() {
    let stdout = CHAPTER_17.stdout(
        &["run", "store-buffering", "--variant", "seq-cst", "--quick"],
        0,
    );
    assert!(stdout.contains("r1 = r2 = 0 is unreachable"), "{stdout}");
    assert!(
        stdout.contains("The hardware never showed it either"),
        "{stdout}"
    );
}
