//! CLI tests against the real `chapter-15` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with its figures.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_15: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-15"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_15.check_usage_errors(&chapter_15::CHAPTER);
    CHAPTER_15.usage_error(
        &["run", "global-lock", "--threads", "17"],
        "give 1 to 16 threads at most",
    );
}

#[test]
fn json_output_is_one_outcome_per_line_with_figures() {
    // The broken variant is left out: its full run spends seconds on rounds left to the
    // scheduler; its forced verdict is asserted in tests/examples.rs.
    for (variant, name, value) in [
        ("aliasing", "count with two names", 2.0),
        ("atomic", "final Arc count", 1.0),
    ] {
        let lines =
            CHAPTER_15.json_lines(&["run", "reference-counting", "--variant", variant, "--json"]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["variant"], variant);
        assert_eq!(lines[0]["verdict"], "showed");
        assert_eq!(figure(&lines[0], name), value);
    }
}

#[test]
fn holding_the_gil_through_io_prints_its_table() {
    let stdout = CHAPTER_15.stdout(
        &[
            "run",
            "io-releases-the-lock",
            "--variant",
            "holds",
            "--threads",
            "2",
        ],
        0,
    );
    assert!(stdout.contains("most threads waiting at once"), "{stdout}");
    assert!(stdout.contains("latency is the subject"), "{stdout}");
}

#[test]
fn python_side_by_side_without_python3_says_so_and_exits_0() {
    let out = CHAPTER_15.stdout_without_python(&["run", "python-side-by-side", "--quick"]);
    assert!(out.contains(common::python::SKIPPED), "{out}");
    // The table wraps to the terminal's width: look for words, not for a row.
    assert!(out.contains("Rust"), "{out}");
}
