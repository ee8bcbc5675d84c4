//! CLI tests against the real `chapter-20` binary: usage errors exit 2 with one line naming the
//! valid choices; a broken variant that shows its bug exits 0; `--json` is one object per line.

#![cfg(not(feature = "shuttle"))]

use std::process::{Command, Output};

fn chapter_20(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chapter-20"))
        .args(args)
        .output()
        .expect("runs the binary")
}

fn usage_error(args: &[&str], needle: &str) {
    let out = chapter_20(args);
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
        "valid examples: bounded-buffer, flawed-shutdown, shutdown, backpressure, across-processes, async",
    );
    usage_error(
        &["run", "shutdown", "--variant", "nope"],
        "valid variants: poison-pill, close, work-queue",
    );
    usage_error(&["run", "shutdown", "--threads", "0"], "give 1 to 16");
    usage_error(
        &["run", "bounded-buffer", "--threads", "17"],
        "give 1 to 16",
    );
    usage_error(
        &["run", "backpressure", "--threads", "4"],
        "does not take --threads",
    );
}

#[test]
fn the_flawed_shutdown_reports_stranded_tasks_and_exits_0() {
    let out = chapter_20(&["run", "flawed-shutdown"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("stranded"), "{stdout}");
    assert!(stdout.contains("would wait forever"), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let out = chapter_20(&["run", "across-processes", "--json", "--quick"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "unframed");
    assert_eq!(lines[1]["variant"], "length-prefixed");
    assert!(lines.iter().all(|l| l["verdict"] == "showed"), "{lines:?}");
}

#[test]
fn list_json_describes_every_example() {
    let out = chapter_20(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let chapter: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json is JSON");
    assert_eq!(chapter["number"], 20);
    let names: Vec<&str> = chapter["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "bounded-buffer",
            "flawed-shutdown",
            "shutdown",
            "backpressure",
            "across-processes",
            "async"
        ]
    );
}
