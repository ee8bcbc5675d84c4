//! `--trace FILE` against the real `chapter-12` binary: the broken dining philosophers' trace is
//! valid JSON in the Trace Event Format, and holds the deadlock — every philosopher's row has a
//! "waiting for fork i+1" bar that the watchdog abandoned, all of them open at the same moment,
//! each inside that philosopher's "holding fork i".

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;
use serde_json::Value;

const CHAPTER_12: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-12"));

/// A temp path for this test's trace.
fn trace_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("chapter-12-{name}-{}.json", std::process::id()))
}

/// Runs `args` with `--trace` and parses the file.
fn traced(args: &[&str], name: &str) -> (String, Vec<Value>) {
    let path = trace_path(name);
    let path_text = path.to_string_lossy().into_owned();
    let mut args = args.to_vec();
    args.extend(["--trace", &path_text]);
    let stdout = CHAPTER_12.stdout(&args, 0);
    let text = std::fs::read_to_string(&path).expect("the trace file is written");
    let _ = std::fs::remove_file(&path);
    let trace: Value = serde_json::from_str(&text).expect("the trace is JSON");
    let events = trace["traceEvents"]
        .as_array()
        .expect("a traceEvents array")
        .clone();
    (stdout, events)
}

/// The thread named `name`'s tid, from its metadata event.
fn tid_of(events: &[Value], name: &str) -> u64 {
    events
        .iter()
        .find(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == name)
        .and_then(|e| e["tid"].as_u64())
        .unwrap_or_else(|| panic!("no thread named {name}"))
}

/// The bars named `name` on `tid`.
fn bars<'a>(events: &'a [Value], tid: u64, name: &'a str) -> impl Iterator<Item = &'a Value> {
    events
        .iter()
        .filter(move |e| e["ph"] == "X" && e["tid"] == tid && e["name"] == name)
}

/// The wait named `name` on `tid` that the watchdog abandoned.
fn abandoned<'a>(events: &'a [Value], tid: u64, name: &'a str) -> Option<&'a Value> {
    bars(events, tid, name).find(|e| e["args"]["abandoned"] == true)
}

fn span(bar: &Value) -> (f64, f64) {
    let ts = bar["ts"].as_f64().expect("ts");
    (ts, ts + bar["dur"].as_f64().expect("dur"))
}

#[test]
fn the_broken_table_traces_the_five_waits_of_the_cycle() {
    let (stdout, events) = traced(
        &["run", "dining-philosophers", "--variant", "broken"],
        "dining",
    );
    assert!(stdout.contains("ui.perfetto.dev"), "{stdout}");
    // The run's own bar, named after the example, with its variant.
    assert!(events.iter().any(|e| e["ph"] == "X"
        && e["name"] == "dining-philosophers"
        && e["args"]["variant"] == "broken"));
    let mut latest_start = f64::MIN;
    let mut earliest_end = f64::MAX;
    for seat in 0..5 {
        let tid = tid_of(&events, &format!("philosopher {seat}"));
        let wait_name = format!("waiting for fork {}", (seat + 1) % 5);
        let wait = abandoned(&events, tid, &wait_name)
            .unwrap_or_else(|| panic!("philosopher {seat} has no abandoned {wait_name:?} bar"));
        let (wait_start, wait_end) = span(wait);
        // The wait lies inside the hold of the fork this philosopher already had.
        let hold_name = format!("holding fork {seat}");
        assert!(
            bars(&events, tid, &hold_name).any(|hold| {
                let (hold_start, hold_end) = span(hold);
                hold_start <= wait_start && wait_end <= hold_end
            }),
            "philosopher {seat}: no {hold_name:?} bar around {wait}"
        );
        latest_start = latest_start.max(wait_start);
        earliest_end = earliest_end.min(wait_end);
    }
    // A cycle: there is a moment when all five were waiting at once.
    assert!(latest_start < earliest_end, "the five waits overlap");
}

#[test]
fn the_two_locks_trace_shows_each_thread_waiting_for_the_others_lock() {
    let (_, events) = traced(&["run", "two-locks", "--variant", "broken"], "two-locks");
    for (thread, waits_for) in [("thread A", "lock B"), ("thread B", "lock A")] {
        let tid = tid_of(&events, thread);
        let name = format!("waiting for {waits_for}");
        assert!(
            abandoned(&events, tid, &name).is_some(),
            "{thread} has no abandoned {name:?} bar"
        );
    }
}

#[test]
fn an_unwritable_trace_path_is_a_usage_error() {
    let missing = std::env::temp_dir()
        .join("chapter-12-no-such-directory")
        .join("trace.json");
    CHAPTER_12.usage_error(
        &["run", "two-locks", "--trace", &missing.to_string_lossy()],
        "cannot write the trace to",
    );
}
