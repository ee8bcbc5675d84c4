//! `--trace FILE` against the real `chapter-13` binary: the greedy lock's trace is valid JSON in
//! the Trace Event Format and shows the starvation the run measured — the polite thread's longest
//! wait is one bar, during which the other threads' "holding the lock" bars pile up; under
//! readers-first, a writer's wait is a bar that many reads overtook.

#![cfg(not(shuttle))]

use common::cli_test::ChapterBinary;
use serde_json::Value;

const CHAPTER_13: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-13"));

/// The trace file's events (the file is removed once read).
fn take_events(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the trace file is written");
    let _ = std::fs::remove_file(path);
    let mut trace: Value = serde_json::from_str(&text).expect("the trace is JSON");
    match trace["traceEvents"].take() {
        Value::Array(events) => events,
        other => panic!("no traceEvents array: {other}"),
    }
}

#[test]
fn the_greedy_lock_trace_shows_a_polite_thread_overtaken_in_one_long_wait() {
    let path = std::env::temp_dir().join(format!("chapter-13-greedy-{}.json", std::process::id()));
    let path_text = path.to_string_lossy().into_owned();
    let outcome = CHAPTER_13.json_lines(&[
        "run",
        "greedy-lock",
        "--variant",
        "std-mutex",
        "--quick",
        "--json",
        "--trace",
        &path_text,
    ]);
    let events = take_events(&path);

    // What the run measured: the most turns that overtook a polite thread in one wait.
    let measured = outcome[0]["figures"]
        .as_array()
        .and_then(|figures| {
            figures
                .iter()
                .find(|f| f["name"] == "polite most overtaken")
        })
        .and_then(|f| f["value"].as_f64())
        .expect("the key figure") as u64;

    let names: std::collections::BTreeMap<u64, &str> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .filter_map(|e| Some((e["tid"].as_u64()?, e["args"]["name"].as_str()?)))
        .collect();
    let polite = |e: &&Value| {
        e["tid"]
            .as_u64()
            .and_then(|tid| names.get(&tid))
            .is_some_and(|name| name.starts_with("polite"))
    };
    let bars = |name: &'static str| {
        events
            .iter()
            .filter(move |e| e["ph"] == "X" && e["name"] == name)
    };
    let greedy_holds = bars("holding the lock")
        .filter(|e| e["tid"].as_u64().and_then(|t| names.get(&t)) == Some(&"greedy"))
        .count();
    assert!(greedy_holds > 0, "the greedy row holds the lock");

    // The wait that was overtaken most is one bar on a polite thread's row, and it says so.
    let longest = bars("waiting for the lock")
        .filter(polite)
        .max_by_key(|e| e["args"]["overtaken"].as_u64().unwrap_or(0))
        .expect("polite waits");
    assert_eq!(longest["args"]["overtaken"].as_u64(), Some(measured));
    assert!(
        measured > 10,
        "std-mutex starves a polite thread: {measured}"
    );
    // While it waited, the others' holding bars started one after another on their rows (give
    // or take the turn in flight at each end of the wait).
    let (start, end) = (
        longest["ts"].as_f64().expect("ts"),
        longest["ts"].as_f64().expect("ts") + longest["dur"].as_f64().expect("dur"),
    );
    let overtakers = bars("holding the lock")
        .filter(|e| e["tid"] != longest["tid"])
        .filter(|e| e["ts"].as_f64().is_some_and(|ts| start <= ts && ts <= end))
        .count() as u64;
    assert!(
        overtakers + 2 >= measured,
        "{overtakers} holding bars inside a wait overtaken {measured} times"
    );
}

#[test]
fn the_readers_first_trace_shows_a_writer_waiting_while_readers_come_and_go() {
    let path = std::env::temp_dir().join(format!("chapter-13-rw-{}.json", std::process::id()));
    let path_text = path.to_string_lossy().into_owned();
    CHAPTER_13.stdout(
        &[
            "run",
            "readers-writers",
            "--variant",
            "readers-first",
            "--quick",
            "--trace",
            &path_text,
        ],
        0,
    );
    let events = take_events(&path);
    let count = |name: &str| {
        events
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"] == name)
            .count()
    };
    // The run showed the writers starving: the readers' rows are full of reads, and a writer's
    // longest wait is one bar that many reads overtook (thousands on an idle machine; a starved
    // side gets in a handful of times at most).
    assert!(count("reading") > 10 * count("writing").max(1));
    let longest_write_wait = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["name"] == "waiting to write")
        .filter_map(|e| e["args"]["overtaken"].as_u64())
        .max()
        .expect("writers waited");
    assert!(longest_write_wait > 50, "{longest_write_wait}");
}
