//! CLI tests against the real `chapter-20` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; a broken variant that shows its bug exits 0; `--json`
//! is one object per line.

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;

const CHAPTER_20: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-20"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_20.check_usage_errors(&chapter_20::CHAPTER);
}

#[test]
fn the_flawed_shutdown_reports_stranded_tasks_and_exits_0() {
    let stdout = CHAPTER_20.stdout(&["run", "flawed-shutdown"], 0);
    assert!(stdout.contains("stranded"), "{stdout}");
    assert!(stdout.contains("would wait forever"), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_20.json_lines(&["run", "across-processes", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "unframed");
    assert_eq!(lines[1]["variant"], "length-prefixed");
    assert!(lines.iter().all(|l| l["verdict"] == "showed"), "{lines:?}");
}
