//! CLI tests against the real `chapter-6` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; each example exits 0 when it shows its lesson;
//! `--json` prints one outcome per line.

use common::cli_test::ChapterBinary;

const CHAPTER_6: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-6"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_6.check_usage_errors(&chapter_6::CHAPTER);
}

#[test]
fn fork_variant_prints_each_ending() {
    let stdout = CHAPTER_6.stdout(&["run", "spawn", "--variant", "fork"], 0);
    assert!(stdout.contains("exited with code 3"), "{stdout}");
    assert!(stdout.contains("killed by SIGKILL"), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_6.json_lines(&["run", "signals", "--json", "--quick"]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["variant"], "graceful");
    assert_eq!(lines[0]["verdict"], "showed");
}
