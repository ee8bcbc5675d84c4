//! CLI tests against the real `chapter-19` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; the `trace` tool (and the common `--trace FILE`
//! option) writes a Chrome trace, the tool rejects bad arguments with exit 2; `--json` prints one
//! outcome per line.

#![cfg(not(any(shuttle, loom)))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_19: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-19"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_19.check_usage_errors(&chapter_19::CHAPTER);
    CHAPTER_19.usage_error(&["run", "testing", "--threads", "65"], "give 1 to 64");
}

#[test]
fn the_trace_tool_writes_a_chrome_trace() {
    let out =
        std::env::temp_dir().join(format!("chapter-19-cli-trace-{}.json", std::process::id()));
    let path = out.to_string_lossy().into_owned();
    let stdout = CHAPTER_19.stdout(&["trace", "--out", &path, "--n", "2000"], 0);
    assert!(stdout.contains("ui.perfetto.dev"), "{stdout}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("trace written")).expect("JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "X" && e["name"] == "wait for lock")
    );
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "M" && e["args"]["name"] == "worker-0")
    );
    let _ = std::fs::remove_file(out);
}

#[test]
fn the_common_trace_option_records_the_example_and_its_threads() {
    let out =
        std::env::temp_dir().join(format!("chapter-19-cli-option-{}.json", std::process::id()));
    let path = out.to_string_lossy().into_owned();
    let stdout = CHAPTER_19.stdout(&["run", "tracing", "--quick", "--trace", &path], 0);
    assert!(stdout.contains("ui.perfetto.dev"), "{stdout}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("trace written")).expect("JSON");
    let _ = std::fs::remove_file(out);
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    // The run's own bar (from common), and the example's spans on its threads and tasks.
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "X" && e["name"] == "tracing")
    );
    for name in ["wait for lock", "task"] {
        assert!(
            events.iter().any(|e| e["ph"] == "X" && e["name"] == name),
            "no {name} bar"
        );
    }
}

#[test]
fn the_trace_tool_rejects_bad_arguments_with_exit_2() {
    CHAPTER_19.usage_error(&["trace"], "--out");
    CHAPTER_19.usage_error(&["trace", "--out", "x.json", "--n", "5"], "invalid value");
    let help = CHAPTER_19.stdout(&["trace", "--help"], 0);
    assert!(help.contains("--out"), "{help}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_19.json_lines(&["run", "deadlock-debugging", "--json", "--quick"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "hidden-cycle");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "threads on the cycle"), 3.0);
    assert_eq!(figure(&lines[1], "transfers done"), 60.0);
}
