//! CLI tests against the real `chapter-8` binary: every usage error the registry implies exits 2
//! with one line; the broken blur exits 0 having counted wrong pixels; `--json` prints one outcome
//! per line with identical batch outputs.

#![cfg(not(feature = "shuttle"))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_8: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-8"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_8.check_usage_errors(&chapter_8::CHAPTER);
}

#[test]
fn the_broken_blur_counts_wrong_pixels_and_exits_0() {
    let lines =
        CHAPTER_8.json_lines(&["run", "banded-blur", "--json", "--quick", "--threads", "3"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[0]["verdict"], "showed");
    assert!(figure(&lines[0], "differing pixels") > 0.0);
    assert_eq!(lines[1]["variant"], "halo");
    assert_eq!(figure(&lines[1], "differing pixels"), 0.0);
}

#[test]
fn the_batch_writes_identical_files_for_every_worker_count() {
    let lines = CHAPTER_8.json_lines(&[
        "run",
        "batch",
        "--variant",
        "worker-reads",
        "--threads",
        "3",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "differing outputs"), 0.0);
}
