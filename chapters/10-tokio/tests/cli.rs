//! CLI tests against the real `chapter-10` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; a broken variant that shows its bug exits 0; `--json`
//! prints one outcome per line.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_10: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-10"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_10.check_usage_errors(&chapter_10::CHAPTER);
}

#[test]
fn the_lossy_select_loop_reports_its_loss_and_exits_0() {
    let stdout = CHAPTER_10.stdout(
        &["run", "select-timeout", "--variant", "lossy", "--quick"],
        0,
    );
    assert!(stdout.contains("values lost"), "{stdout}");
    assert!(
        stdout.contains("Lost (the first value of a pair"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_10.json_lines(&["run", "sync-primitives", "--json", "--quick"]);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["variant"], "mutex");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(
        figure(&lines[0], "updates lost without the guard across the await"),
        75.0
    );
    assert_eq!(lines[4]["variant"], "broadcast");
}
