//! CLI tests against the real `chapter-13` binary: usage errors exit 2 with one line naming the
//! valid choices; `list --json` describes every example; `--json` prints one outcome per line.

#![cfg(not(feature = "shuttle"))]

use std::process::{Command, Output};

fn chapter_13(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chapter-13"))
        .args(args)
        .output()
        .expect("runs the binary")
}

fn usage_error(args: &[&str], needle: &str) {
    let out = chapter_13(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    usage_error(
        &["run", "nope"],
        "valid examples: readers-writers, priority-scheduling, greedy-lock",
    );
    usage_error(
        &["run", "readers-writers", "--variant", "nope"],
        "valid variants: readers-first, writers-first, fair, std-rwlock, parking-lot-rwlock",
    );
    usage_error(
        &["run", "greedy-lock", "--threads", "4"],
        "does not take --threads",
    );
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let out = chapter_13(&["run", "priority-scheduling", "--json", "--quick"]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "strict");
    assert_eq!(lines[1]["variant"], "aging");
    assert_eq!(lines[1]["verdict"], "showed");
}

#[test]
fn list_json_describes_every_example() {
    let out = chapter_13(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let chapter: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json is JSON");
    assert_eq!(chapter["number"], 13);
    let names: Vec<&str> = chapter["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["readers-writers", "priority-scheduling", "greedy-lock"]
    );
}
