//! CLI tests against the real `chapter-12` binary: usage errors exit 2 with one line naming the
//! valid choices; a broken variant that shows its bug exits 0; `list --json` is machine-readable.

#![cfg(not(feature = "shuttle"))]

use std::process::{Command, Output};

fn chapter_12(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chapter-12"))
        .args(args)
        .output()
        .expect("runs the binary")
}

fn usage_error(args: &[&str], needle: &str) {
    let out = chapter_12(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    usage_error(
        &["run", "nope"],
        "valid examples: two-locks, dining-philosophers",
    );
    usage_error(
        &["run", "dining-philosophers", "--variant", "nope"],
        "valid variants: broken, ordered, try-lock, arbitrator",
    );
    usage_error(
        &["run", "dining-philosophers", "--threads", "0"],
        "give 2 to 64",
    );
    usage_error(
        &["run", "dining-philosophers", "--threads", "100000"],
        "give 2 to 64",
    );
    usage_error(
        &["run", "dining-philosophers", "--threads", "many"],
        "invalid value",
    );
    usage_error(
        &["run", "two-locks", "--threads", "4"],
        "does not take --threads",
    );
    usage_error(&["--bogus"], "unexpected argument");
    usage_error(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn the_broken_two_locks_prints_its_cycle_and_exits_0() {
    let out = chapter_12(&["run", "two-locks", "--variant", "broken"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("thread A holds lock A and waits for lock B"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let out = chapter_12(&["run", "livelock", "--json", "--quick"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[0]["verdict"], "showed");
}

#[test]
fn list_json_describes_every_example() {
    let out = chapter_12(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let chapter: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json is JSON");
    assert_eq!(chapter["number"], 12);
    let names: Vec<&str> = chapter["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "two-locks",
            "dining-philosophers",
            "ordering-cost",
            "livelock"
        ]
    );
}

#[test]
fn help_exits_0() {
    let out = chapter_12(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: chapter-12"));
}
