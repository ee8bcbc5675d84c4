//! CLI tests against the real `chapter-11` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with the figures
//! the README quotes; the `serve` tool rejects bad arguments with exit 2.

#![cfg(not(feature = "shuttle"))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_11: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-11"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_11.check_usage_errors(&chapter_11::CHAPTER);
    CHAPTER_11.usage_error(
        &["run", "echo", "--threads", "1001"],
        "give 1 to 1000 clients",
    );
    CHAPTER_11.usage_error(&["serve", "--port", "http"], "invalid value");
    CHAPTER_11.usage_error(&["serve", "--grace-ms", "100000"], "invalid value");
    CHAPTER_11.usage_error(&["serve", "--no-such-flag"], "unexpected argument");
}

#[test]
fn json_output_is_one_outcome_per_line_with_the_echo_figures() {
    let lines = CHAPTER_11.json_lines(&[
        "run",
        "echo",
        "--variant",
        "echo",
        "--threads",
        "10",
        "--quick",
        "--json",
    ]);
    assert_eq!(lines.len(), 1);
    let echo = &lines[0];
    assert_eq!(echo["verdict"], "showed", "{echo}");
    assert_eq!(figure(echo, "round trips"), 10.0 * 50.0);
    assert_eq!(figure(echo, "wrong replies"), 0.0);
    assert!(figure(echo, "round trips per second") > 0.0);
    assert!(figure(echo, "p99 round trip") >= figure(echo, "p50 round trip"));
}

#[test]
fn every_variant_of_framed_protocol_prints_json() {
    let lines = CHAPTER_11.json_lines(&["run", "framed-protocol", "--quick", "--json"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[1]["variant"], "framed");
    assert_eq!(figure(&lines[1], "requests without their reply"), 0.0);
}
