//! CLI tests against the real `chapter-14` binary: usage errors exit 2 with one line naming the
//! valid choices; a broken variant that shows its bug exits 0; `--json` is machine-readable and
//! `--seed` replays the pauses.

#![cfg(not(feature = "shuttle"))]

use std::process::{Command, Output};

fn chapter_14(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chapter-14"))
        .args(args)
        .output()
        .expect("runs the binary")
}

fn usage_error(args: &[&str], needle: &str) {
    let out = chapter_14(args);
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
        "valid examples: lost-updates, increment-cost, serialized, check-then-act, what-rust-refuses",
    );
    usage_error(
        &["run", "lost-updates", "--variant", "nope"],
        "valid variants: broken, fetch-add, mutex, per-thread",
    );
    usage_error(
        &["run", "check-then-act", "--variant", "nope"],
        "valid variants: broken, one-lock, compare-exchange",
    );
    usage_error(&["run", "lost-updates", "--threads", "1"], "give 2 to 200");
    usage_error(
        &["run", "lost-updates", "--threads", "100000"],
        "give 2 to 200",
    );
    usage_error(
        &["run", "check-then-act", "--threads", "x"],
        "invalid value",
    );
    usage_error(
        &["run", "what-rust-refuses", "--threads", "4"],
        "does not take --threads",
    );
}

fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let out = chapter_14(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn figure(outcome: &serde_json::Value, name: &str) -> f64 {
    outcome["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_f64())
        .unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn the_fixes_print_json_and_exit_0() {
    let lines = json_lines(&[
        "run",
        "check-then-act",
        "--variant",
        "one-lock",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["variant"], "one-lock");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "overdrafts"), 0.0);
}

#[test]
fn the_seed_replays_the_pauses() {
    let narrative = |seed: &str| {
        let lines = json_lines(&[
            "run",
            "lost-updates",
            "--variant",
            "fetch-add",
            "--quick",
            "--json",
            "--seed",
            seed,
        ]);
        let sum = figure(&lines[0], "sum of pauses");
        let pauses = lines[0]["narrative"][1]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (sum, pauses)
    };
    let (sum_a, a) = narrative("7");
    let (sum_b, b) = narrative("7");
    assert_eq!(a, b);
    assert_eq!(sum_a, sum_b);
    assert!(a.contains("seed 7"), "{a}");
}

#[test]
fn list_json_describes_every_example() {
    let out = chapter_14(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let chapter: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json is JSON");
    assert_eq!(chapter["number"], 14);
    let names: Vec<&str> = chapter["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "lost-updates",
            "increment-cost",
            "serialized",
            "check-then-act",
            "what-rust-refuses"
        ]
    );
}

#[test]
fn help_exits_0() {
    let out = chapter_14(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: chapter-14"));
}
