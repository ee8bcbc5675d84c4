//! CLI tests against the real `chapter-9` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with its figures.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_9: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-9"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_9.check_usage_errors(&chapter_9::CHAPTER);
}

#[test]
fn the_virtual_clock_run_prints_its_timeline_and_exits_0() {
    let stdout = CHAPTER_9.stdout(&["run", "mini-executor", "--variant", "virtual-clock"], 0);
    assert!(
        stdout.contains("the clock jumped from deadline to deadline"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_9.json_lines(&["run", "hand-written-future", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "state-machine");
    assert_eq!(lines[1]["variant"], "async-fn");
    for line in &lines {
        assert_eq!(line["verdict"], "showed");
        assert_eq!(figure(line, "polls"), figure(line, "wakes") + 1.0);
    }
}
