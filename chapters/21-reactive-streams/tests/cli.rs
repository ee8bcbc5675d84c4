//! CLI tests against the real `chapter-21` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with its figures.

use common::cli_test::ChapterBinary;

const CHAPTER_21: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-21"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_21.check_usage_errors(&chapter_21::CHAPTER);
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_21.json_lines(&["run", "hot-and-cold", "--json", "--quick"]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["variant"], "cold");
    assert_eq!(lines[2]["variant"], "lagging");
    for line in &lines {
        assert_eq!(line["verdict"], "showed", "{line}");
    }
}

#[test]
fn the_debounce_run_prints_its_timelines() {
    let stdout = CHAPTER_21.stdout(&["run", "operators", "--variant", "debounce", "--quick"], 0);
    assert!(stdout.contains("one character = 10 ms"), "{stdout}");
    // A lane and a listing for the input and the output (the times themselves are measured).
    assert!(stdout.contains("in °C  ●"), "{stdout}");
    assert!(stdout.contains("settled: t="), "{stdout}");
}
