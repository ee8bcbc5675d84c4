//! `--trace FILE`: what every thread of a run was doing, as a Chrome trace for Perfetto.
//!
//! Code marks what it is doing with `tracing` spans ("waiting for fork 1", "holding the lock").
//! [`ChromeLayer`] is a `tracing_subscriber::Layer` that turns every entry and exit of a span into
//! one bar on its thread's row, and writes the bars in the Trace Event Format that
//! <https://ui.perfetto.dev> and `chrome://tracing` open: `{"traceEvents": [...]}` with one `"X"`
//! (complete) event per bar (`ts` and `dur` in µs, the span's fields as `args`), one `"i"`
//! (instant) event per `tracing` event, and `"M"` metadata naming each thread. A span that is
//! still open when the trace is written (a thread stuck in a deadlock, say) becomes a bar to the
//! end of the run with `args: {"unfinished": true}`, so a wait that never ended is the longest bar
//! in the picture rather than missing from it.
//!
//! Each thread records into its own buffer (an uncontended lock), so tracing adds no shared lock
//! to the locks a lesson is about. A span's `label` field, if it has one, names its bar instead of
//! the span's static name: `info_span!("waiting for fork", label = format!("waiting for fork
//! {j}"))` draws "waiting for fork 3" (and its fields are only formatted while tracing is on).
//!
//! The shared CLI (`chapter-N run <example> --trace out.json`, or the tour) installs the layer as
//! the global subscriber through [`Session`] and opens one span per example run (named after the
//! example, with its variant); without `--trace` no subscriber is installed, every span is
//! disabled at its call site, and tracing costs nothing. Chapters use the re-exported
//! [`tracing`] crate, so they need no dependency of their own. Chapter 19 ("Debugging concurrent
//! programs") shows the layer on threads and tokio tasks; chapters 12 and 13 trace their
//! deadlocks and starvation.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Map, Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record as SpanRecord};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The `tracing` crate, re-exported so a chapter can add spans without a dependency of its own:
/// `common::trace::tracing::info_span!("eating").entered()`.
pub use tracing;

mod chrome_format;
mod session;

pub use session::{Session, global_layer};

/// A thread records at most this many bars and events; beyond, it counts what it dropped (a
/// long full-size run of a tight loop would otherwise fill the memory, and no viewer would open
/// the file). The count is in the thread's metadata (`args.dropped`).
pub const MAX_RECORDS_PER_THREAD: usize = 200_000;

/// What a record is: a bar (a span, entered then exited) or an instant (a `tracing` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A span from its entry to its exit (`"X"`).
    Complete,
    /// A `tracing` event (`"i"`).
    Instant,
}

/// One bar or event of the trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Bar or instant.
    pub phase: Phase,
    /// The span's name (or its `label` field), or the event's name.
    pub name: String,
    /// The span's or event's fields (an event's text is under `message`).
    pub args: Map<String, Value>,
    /// Nanoseconds from the start of the trace to the entry (or the event).
    pub start_nanos: u64,
    /// Nanoseconds from entry to exit (0 for an instant).
    pub dur_nanos: u64,
    /// The span was still open when the trace was taken: the bar ends at that moment.
    pub unfinished: bool,
    /// The thread's name (or `thread N` for an unnamed one).
    pub thread: String,
    /// The thread's number in this trace (1, 2, ... in order of first record).
    pub tid: u64,
}

impl Record {
    /// The field `key` as a compact string (a string without quotes), if the record has it.
    pub fn arg(&self, key: &str) -> Option<String> {
        self.args.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

/// A span entered on this thread and not yet exited.
#[derive(Debug)]
struct Open {
    id: u64,
    name: Cow<'static, str>,
    args: Map<String, Value>,
    start_nanos: u64,
}

/// One thread's buffer.
#[derive(Debug)]
struct ThreadLog {
    tid: u64,
    thread: String,
    start: Instant,
    open: Vec<Open>,
    done: Vec<Record>,
    dropped: u64,
}

impl ThreadLog {
    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn push(&mut self, record: Record) {
        if self.done.len() < MAX_RECORDS_PER_THREAD {
            self.done.push(record);
        } else {
            self.dropped += 1;
        }
    }
}

/// What the clones of one layer share.
#[derive(Debug)]
struct Shared {
    /// Tells this layer's per-thread buffers apart from other layers' in a thread's cache.
    layer_id: u64,
    /// Bumped by [`ChromeLayer::restart`]: a thread whose cached buffer is older registers anew.
    generation: AtomicU64,
    /// The clock's zero and every thread's buffer of the current generation.
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    start: Instant,
    threads: Vec<Arc<Mutex<ThreadLog>>>,
}

/// A poisoned buffer still holds good records: a panicking thread's bars are part of the story.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

static NEXT_LAYER_ID: AtomicU64 = AtomicU64::new(1);

/// A thread's buffer for one layer, in the thread's cache.
struct Cached {
    layer: u64,
    generation: u64,
    log: Arc<Mutex<ThreadLog>>,
}

thread_local! {
    /// This thread's buffers, one per layer (and generation) it has recorded for.
    static BUFFERS: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
}

/// The layer. Clones share one trace: keep a clone to read or write it after the run.
#[derive(Debug, Clone)]
pub struct ChromeLayer {
    shared: Arc<Shared>,
}

impl Default for ChromeLayer {
    fn default() -> Self {
        Self::new()
    }
}

/// A span's fields, kept in the span's extensions from its creation (and updated by `record`).
struct SpanArgs {
    label: Option<String>,
    args: Map<String, Value>,
}

/// Collects fields as JSON values; `label` is set aside to name the bar.
struct JsonVisitor<'a> {
    label: Option<&'a mut Option<String>>,
    args: &'a mut Map<String, Value>,
}

impl JsonVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "label"
            && let Some(label) = self.label.as_deref_mut()
        {
            *label = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
            return;
        }
        self.args.insert(field.name().to_string(), value);
    }
}

impl Visit for JsonVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, json!(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, json!(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, json!(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, json!(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, json!(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, json!(format!("{value:?}")));
    }
}

impl ChromeLayer {
    /// A layer whose clock starts now.
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                layer_id: NEXT_LAYER_ID.fetch_add(1, Ordering::Relaxed),
                generation: AtomicU64::new(0),
                inner: Mutex::new(Inner {
                    start: Instant::now(),
                    threads: Vec::new(),
                }),
            }),
        }
    }

    /// Forgets everything recorded and restarts the clock (a new trace from the same layer).
    pub fn restart(&self) {
        let mut inner = lock(&self.shared.inner);
        inner.start = Instant::now();
        inner.threads.clear();
        self.shared.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Runs `f` on this thread's buffer, registering the thread on its first record.
    fn with_log<R>(&self, f: impl FnOnce(&mut ThreadLog) -> R) -> R {
        let id = self.shared.layer_id;
        let generation = self.shared.generation.load(Ordering::Acquire);
        let log = BUFFERS.with(|buffers| {
            let mut buffers = buffers.borrow_mut();
            if let Some(cached) = buffers
                .iter()
                .find(|c| c.layer == id && c.generation == generation)
            {
                return Arc::clone(&cached.log);
            }
            // A stale buffer of this layer (an earlier generation) is dropped from the cache.
            buffers.retain(|c| c.layer != id);
            let mut inner = lock(&self.shared.inner);
            let tid = inner.threads.len() as u64 + 1;
            let me = std::thread::current();
            let log = Arc::new(Mutex::new(ThreadLog {
                tid,
                thread: me
                    .name()
                    .map_or_else(|| format!("thread {tid}"), str::to_string),
                start: inner.start,
                open: Vec::new(),
                done: Vec::new(),
                dropped: 0,
            }));
            inner.threads.push(Arc::clone(&log));
            buffers.push(Cached {
                layer: id,
                generation,
                log: Arc::clone(&log),
            });
            log
        });
        let mut log = lock(&log);
        f(&mut log)
    }

    fn logs(&self) -> Vec<Arc<Mutex<ThreadLog>>> {
        lock(&self.shared.inner).threads.clone()
    }

    /// Everything recorded so far, thread by thread; spans still open become bars that end now,
    /// marked unfinished.
    pub fn records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        for log in self.logs() {
            let log = lock(&log);
            let now = log.now();
            out.extend(log.done.iter().cloned());
            out.extend(log.open.iter().map(|open| Record {
                phase: Phase::Complete,
                name: open.name.to_string(),
                args: open.args.clone(),
                start_nanos: open.start_nanos,
                dur_nanos: now.saturating_sub(open.start_nanos),
                unfinished: true,
                thread: log.thread.clone(),
                tid: log.tid,
            }));
        }
        // Row by row, in time order, an outer bar before the inner ones that start with it: the
        // order a reader (and a viewer that streams the file) expects.
        out.sort_by_key(|r| (r.tid, r.start_nanos, std::cmp::Reverse(r.dur_nanos)));
        out
    }

    /// The threads seen so far: `(tid, name, records dropped past the cap)`.
    pub fn threads(&self) -> Vec<(u64, String, u64)> {
        self.logs()
            .iter()
            .map(|log| {
                let log = lock(log);
                (log.tid, log.thread.clone(), log.dropped)
            })
            .collect()
    }
}

impl<S> tracing_subscriber::Layer<S> for ChromeLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut label = None;
        let mut args = Map::new();
        attrs.record(&mut JsonVisitor {
            label: Some(&mut label),
            args: &mut args,
        });
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            // Two of these layers in one subscriber (chapter 19's own trace and `--trace`'s)
            // read the same fields: the first one stores them for both.
            if extensions.get_mut::<SpanArgs>().is_none() {
                extensions.insert(SpanArgs { label, args });
            }
        }
    }

    fn on_record(&self, id: &Id, values: &SpanRecord<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        let Some(fields) = extensions.get_mut::<SpanArgs>() else {
            return;
        };
        values.record(&mut JsonVisitor {
            label: Some(&mut fields.label),
            args: &mut fields.args,
        });
        // A field recorded while the span is open on this thread (`abandoned = true` on a wait
        // that the watchdog broke) belongs on the bar already started.
        let (label, args) = (fields.label.clone(), fields.args.clone());
        drop(extensions);
        let key = id.into_u64();
        self.with_log(|log| {
            for open in log.open.iter_mut().filter(|open| open.id == key) {
                if let Some(label) = &label {
                    open.name = Cow::Owned(label.clone());
                }
                open.args = args.clone();
            }
        });
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let (name, args) = match span.extensions().get::<SpanArgs>() {
            Some(SpanArgs {
                label: Some(label),
                args,
            }) => (Cow::Owned(label.clone()), args.clone()),
            Some(SpanArgs { label: None, args }) => (Cow::Borrowed(span.name()), args.clone()),
            None => (Cow::Borrowed(span.name()), Map::new()),
        };
        self.with_log(|log| {
            let start_nanos = log.now();
            log.open.push(Open {
                id: id.into_u64(),
                name,
                args,
                start_nanos,
            });
        });
    }

    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        let key = id.into_u64();
        self.with_log(|log| {
            // Usually the innermost open span; guards dropped out of order close an outer one.
            let Some(at) = log.open.iter().rposition(|open| open.id == key) else {
                return;
            };
            let open = log.open.remove(at);
            let now = log.now();
            let record = Record {
                phase: Phase::Complete,
                name: open.name.into_owned(),
                args: open.args,
                start_nanos: open.start_nanos,
                dur_nanos: now.saturating_sub(open.start_nanos),
                unfinished: false,
                thread: log.thread.clone(),
                tid: log.tid,
            };
            log.push(record);
        });
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut args = Map::new();
        event.record(&mut JsonVisitor {
            label: None,
            args: &mut args,
        });
        let name = match args.get("message") {
            Some(Value::String(message)) => message.clone(),
            _ => event.metadata().name().to_string(),
        };
        self.with_log(|log| {
            let record = Record {
                phase: Phase::Instant,
                name,
                args,
                start_nanos: log.now(),
                dur_nanos: 0,
                unfinished: false,
                thread: log.thread.clone(),
                tid: log.tid,
            };
            log.push(record);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::info_span;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn spans_on_two_threads_make_a_trace_with_two_rows_of_complete_bars() {
        let layer = ChromeLayer::new();
        let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer.clone()));
        std::thread::scope(|s| {
            for name in ["left", "right"] {
                let dispatch = dispatch.clone();
                std::thread::Builder::new()
                    .name(name.to_string())
                    .spawn_scoped(s, move || {
                        tracing::dispatcher::with_default(&dispatch, || {
                            let _outer = info_span!("work", side = name).entered();
                            for i in 0..3u64 {
                                let _inner =
                                    info_span!("step", label = format!("step {i}"), i).entered();
                                tracing::info!(i, "stepped");
                            }
                        });
                    })
                    .expect("spawn");
            }
        });
        let text = serde_json::to_string(&layer.to_json()).expect("serializes");
        let trace: Value = serde_json::from_str(&text).expect("valid JSON");
        let events = trace["traceEvents"].as_array().expect("traceEvents");
        let bars: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(bars.len(), 2 * 4);
        let tids: std::collections::BTreeSet<u64> =
            bars.iter().filter_map(|e| e["tid"].as_u64()).collect();
        assert_eq!(tids.len(), 2, "{tids:?}");
        for name in ["left", "right"] {
            let tid = events
                .iter()
                .find(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == name)
                .and_then(|e| e["tid"].as_u64())
                .expect("thread named");
            let work = bars
                .iter()
                .find(|e| e["tid"] == tid && e["name"] == "work")
                .expect("outer bar");
            assert_eq!(work["args"]["side"], name);
            let (start, dur) = (
                work["ts"].as_f64().expect("ts"),
                work["dur"].as_f64().expect("dur"),
            );
            // Each step bar, named by its label, lies inside the thread's outer bar.
            for i in 0..3 {
                let step = bars
                    .iter()
                    .find(|e| e["tid"] == tid && e["name"] == format!("step {i}").as_str())
                    .expect("step bar");
                assert_eq!(step["args"]["i"], i);
                assert!(step["args"].get("label").is_none());
                let ts = step["ts"].as_f64().expect("ts");
                assert!(ts >= start && ts <= start + dur, "{step} outside {work}");
            }
        }
        assert_eq!(events.iter().filter(|e| e["ph"] == "i").count(), 6);
        assert!(layer.records().iter().all(|r| !r.unfinished));
    }

    #[test]
    fn a_span_still_open_is_written_as_unfinished_and_late_fields_reach_its_bar() {
        let layer = ChromeLayer::new();
        let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer.clone()));
        tracing::dispatcher::with_default(&dispatch, || {
            let waiting = info_span!("waiting", fork = 1u64, abandoned = tracing::field::Empty);
            let entered = waiting.enter();
            waiting.record("abandoned", true);
            let json = layer.to_json();
            let bar = json["traceEvents"]
                .as_array()
                .and_then(|events| events.iter().find(|e| e["name"] == "waiting"))
                .cloned()
                .expect("the open span is in the trace");
            assert_eq!(bar["ph"], "X");
            assert_eq!(bar["args"]["unfinished"], true);
            assert_eq!(bar["args"]["abandoned"], true);
            assert_eq!(bar["args"]["fork"], 1);
            drop(entered);
        });
        let records = layer.records();
        assert_eq!(records.len(), 1);
        assert!(!records[0].unfinished);
        layer.restart();
        assert!(layer.records().is_empty());
    }

    #[test]
    fn two_layers_in_one_subscriber_record_the_same_bars() {
        let (first, second) = (ChromeLayer::new(), ChromeLayer::new());
        let subscriber = tracing_subscriber::registry()
            .with(first.clone())
            .with(Some(second.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let _outer = info_span!("outer", label = "labelled", n = 1u64).entered();
            let _inner = info_span!("inner").entered();
        });
        let names = |layer: &ChromeLayer| {
            layer
                .records()
                .into_iter()
                .map(|r| (r.name, r.args))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&first), names(&second));
        assert_eq!(names(&first)[0].0, "labelled");
    }

    #[test]
    fn a_session_on_a_missing_directory_fails_in_one_line() {
        let path = std::env::temp_dir()
            .join("no-such-directory-for-a-trace")
            .join("out.json");
        let error = Session::start(&path).expect_err("no such directory");
        assert!(error.contains("cannot write the trace to"), "{error}");
        assert_eq!(error.lines().count(), 1);
    }
}
