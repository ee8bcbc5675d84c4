//! CLI tests against the real `chapter-4` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; the broken variants that show their bug exit 0;
//! `--json` prints one outcome per line. (The binary is its own process, so the `leaked`
//! variant's lowered descriptor limit cannot touch the test threads.)

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_4: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-4"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_4.check_usage_errors(&chapter_4::CHAPTER);
}

#[test]
fn the_manual_release_prints_its_cycle_and_exits_0() {
    let stdout = CHAPTER_4.stdout(&["run", "guards", "--variant", "manual-release"], 0);
    assert!(
        stdout.contains("main waits for my_lock, which it holds already"),
        "{stdout}"
    );
}

#[test]
fn the_leaked_files_hit_emfile_and_exit_0() {
    let stdout = CHAPTER_4.stdout(&["run", "file-handles", "--variant", "leaked"], 0);
    assert!(stdout.contains("Too many open files"), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_4.json_lines(&["run", "poisoning", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "std");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[1], "total seen after the panic"), 150.0);
}
