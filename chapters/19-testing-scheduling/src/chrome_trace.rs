//! A `tracing` layer that records spans as a Chrome trace (the JSON that Perfetto and
//! `chrome://tracing` open): one row per thread, one bar per time a span was entered.
//!
//! A span is entered and exited on a thread; for an async task, once per poll — so a task's bars
//! show on whichever worker thread polled it, and a task that moves between threads is visible at
//! a glance. The layer writes "B" (begin) on enter and "E" (end) on exit, "i" (instant) for each
//! event, and "M" metadata naming each thread. Written here in a few dozen lines rather than taken
//! from a crate, so the format holds no mystery: it is the Trace Event Format's JSON array.
//!
//! Run: `cargo run -p chapter-19 -- trace --out trace.json`, then open the file at
//! <https://ui.perfetto.dev> ("Open trace file").
//! Book section: chapter 19, "Debugging concurrent programs".

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Instant;

use serde_json::{Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// One recorded span entry or exit, kept for tests and reports as well as for the JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `B`, `E` or `i`.
    pub phase: char,
    /// Span or event name (for an event, its message).
    pub name: String,
    /// The span's fields, `key=value` separated by spaces.
    pub fields: String,
    /// Microseconds since the layer was made.
    pub micros: u64,
    /// The thread's name.
    pub thread: String,
}

#[derive(Debug, Default)]
struct State {
    records: Vec<Record>,
    /// Thread ids in order of first appearance, with their names.
    threads: HashMap<ThreadId, (u64, String)>,
}

/// The layer. Clone it to keep a handle for reading the trace after the run.
#[derive(Debug, Clone)]
pub struct ChromeLayer {
    start: Instant,
    state: Arc<Mutex<State>>,
}

impl Default for ChromeLayer {
    fn default() -> Self {
        Self::new()
    }
}

/// A span's fields, formatted once when it is created.
struct Fields(String);

struct FieldWriter<'a>(&'a mut String);

impl Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{}={value:?}", field.name());
    }
}

impl ChromeLayer {
    /// A layer whose clock starts now.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            state: Arc::default(),
        }
    }

    fn push(&self, phase: char, name: String, fields: String) {
        let micros = self.start.elapsed().as_micros() as u64;
        let me = std::thread::current();
        let mut state = crate::lock(&self.state);
        let count = state.threads.len() as u64;
        let thread = state
            .threads
            .entry(me.id())
            .or_insert_with(|| {
                (
                    count + 1,
                    me.name()
                        .map_or_else(|| format!("{:?}", me.id()), str::to_string),
                )
            })
            .1
            .clone();
        state.records.push(Record {
            phase,
            name,
            fields,
            micros,
            thread,
        });
    }

    /// Everything recorded so far.
    pub fn records(&self) -> Vec<Record> {
        crate::lock(&self.state).records.clone()
    }

    /// The trace as Chrome's JSON object format: `{"traceEvents": [...]}`.
    pub fn to_json(&self) -> Value {
        let state = crate::lock(&self.state);
        let tid = |name: &str| {
            state
                .threads
                .values()
                .find(|(_, n)| n == name)
                .map_or(0, |(t, _)| *t)
        };
        let mut events: Vec<Value> = state
            .threads
            .values()
            .map(|(t, name)| {
                json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": t, "args": {"name": name}})
            })
            .collect();
        events.extend(state.records.iter().map(|r| {
            let mut event = json!({
                "name": r.name,
                "ph": r.phase.to_string(),
                "ts": r.micros,
                "pid": 1,
                "tid": tid(&r.thread),
                "args": {"fields": r.fields},
            });
            if r.phase == 'i' {
                event["s"] = json!("t");
            }
            event
        }));
        json!({"traceEvents": events, "displayTimeUnit": "ms"})
    }

    /// Writes the trace to `path`.
    pub fn write(&self, path: &std::path::Path) -> std::io::Result<()> {
        let text = serde_json::to_string(&self.to_json()).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }
}

impl<S> tracing_subscriber::Layer<S> for ChromeLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = String::new();
        attrs.record(&mut FieldWriter(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Fields(fields));
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let fields = span
                .extensions()
                .get::<Fields>()
                .map(|f| f.0.clone())
                .unwrap_or_default();
            self.push('B', span.name().to_string(), fields);
        }
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            self.push('E', span.name().to_string(), String::new());
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = String::new();
        event.record(&mut FieldWriter(&mut fields));
        self.push('i', event.metadata().name().to_string(), fields);
    }
}
