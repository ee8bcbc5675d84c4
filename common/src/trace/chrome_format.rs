//! Writing what [`ChromeLayer`] recorded in the Trace Event Format that Perfetto and
//! `chrome://tracing` open: one `"X"` event per bar, one `"i"` per event, `"M"` metadata naming
//! the process and each thread's row.

use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{ChromeLayer, Phase};

impl ChromeLayer {
    /// The metadata events: the process's name, and each thread's name and row.
    fn metadata(&self) -> Vec<Value> {
        let mut events = vec![json!({
            "name": "process_name", "ph": "M", "pid": 1, "tid": 0,
            "args": {"name": process_name()},
        })];
        let mut threads = self.threads();
        // Rows sorted by name, numbers as numbers ("philosopher 2" before "philosopher 10"),
        // with the main thread (where each example's bar is) on top.
        threads.sort_by_cached_key(|(tid, name, _)| {
            let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (stem, number) = name.split_at(name.len() - digits);
            (
                name != "main",
                stem.to_string(),
                number.parse::<u64>().unwrap_or(0),
                *tid,
            )
        });
        for (row, (tid, name, dropped)) in threads.into_iter().enumerate() {
            let mut args = json!({"name": name});
            if dropped > 0 {
                args["dropped"] = json!(dropped);
            }
            events.push(
                json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": args}),
            );
            events.push(json!({
                "name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid,
                "args": {"sort_index": row},
            }));
        }
        events
    }

    /// The trace in the Trace Event Format's JSON object form: `{"traceEvents": [...]}` (what
    /// [`ChromeLayer::write_to`] writes, as a value).
    pub fn to_json(&self) -> Value {
        let mut bytes = Vec::new();
        match self
            .write_to(&mut bytes)
            .map_err(serde_json::Error::io)
            .and_then(|()| serde_json::from_slice(&bytes))
        {
            Ok(value) => value,
            Err(e) => json!({"traceEvents": [], "error": e.to_string()}),
        }
    }

    /// Writes the trace to `out`, one event at a time (a long run's trace is tens of MB).
    pub fn write_to(&self, out: impl std::io::Write) -> std::io::Result<()> {
        /// One bar or instant as the format spells it; borrowed, so nothing is copied.
        #[derive(serde::Serialize)]
        struct Event<'a> {
            name: &'a str,
            cat: &'static str,
            ph: &'static str,
            ts: f64,
            #[serde(skip_serializing_if = "Option::is_none")]
            dur: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            s: Option<&'static str>,
            pid: u32,
            tid: u64,
            args: &'a Map<String, Value>,
        }
        // Microseconds with nanosecond digits: a short hold under a lock is well under 1 µs.
        let micros = |nanos: u64| nanos as f64 / 1_000.0;
        let mut out = std::io::BufWriter::new(out);
        out.write_all(br#"{"displayTimeUnit":"ms","traceEvents":["#)?;
        let mut first = true;
        let mut comma = |out: &mut std::io::BufWriter<_>| -> std::io::Result<()> {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            out.write_all(b"\n")
        };
        for event in self.metadata() {
            comma(&mut out)?;
            serde_json::to_writer(&mut out, &event)?;
        }
        for record in self.records() {
            let marked;
            let args = if record.unfinished {
                let mut args = record.args.clone();
                args.insert("unfinished".into(), json!(true));
                marked = args;
                &marked
            } else {
                &record.args
            };
            let complete = record.phase == Phase::Complete;
            let event = Event {
                name: &record.name,
                cat: if complete { "span" } else { "event" },
                ph: if complete { "X" } else { "i" },
                ts: micros(record.start_nanos),
                dur: complete.then(|| micros(record.dur_nanos)),
                s: (!complete).then_some("t"),
                pid: 1,
                tid: record.tid,
                args,
            };
            comma(&mut out)?;
            serde_json::to_writer(&mut out, &event)?;
        }
        out.write_all(b"\n]}\n")?;
        out.flush()
    }

    /// Writes the trace to the file at `path`.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        self.write_to(File::create(path)?)
    }
}

/// The process row's name in the viewer: the program's file name.
fn process_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| {
            Path::new(&arg0)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "run".to_string())
}
