//! Tracing threads and tasks: spans make an interleaving readable, as a log and as a timeline.
//!
//! The book's advice for debugging concurrent programs is to see what each thread was doing and
//! when. With the `tracing` crate, code marks what it is doing with *spans* ("job 2 of worker 1",
//! "waiting for the lock") and *events* (log lines inside spans). Two views of one run:
//!
//! - a log, from `tracing-subscriber`'s fmt layer: every line carries its thread's name and the
//!   spans it is inside, so interleaved lines from different threads can be told apart;
//! - a Chrome trace, from [`ChromeLayer`] (`common::trace`, the layer behind every chapter's
//!   `--trace FILE`): one row per thread, one bar per span entry, which Perfetto
//!   (<https://ui.perfetto.dev>) draws as a timeline. Lock waits show as
//!   gaps between "wait for lock" and "critical section"; async tasks show one bar per poll, on
//!   whichever worker thread polled them.
//!
//! The workload: three named threads each do three jobs (compute a big Fibonacci number — real
//! work — then store the result under a shared mutex), and four tokio tasks on a two-thread
//! runtime each do three steps of work separated by a 1 ms timer (the await is where a task
//! leaves its thread; the timer is there to make it wait, so here latency is the subject).
//! The subscriber is handed to each thread and task explicitly (`with_default`,
//! `with_subscriber`) rather than set globally, so tests can run it side by side; under
//! `--trace FILE` the same spans go to that file too.
//!
//! Run: `cargo run -p chapter-19 -- run tracing` (writes the trace to the temp directory and
//! prints the path), `cargo run -p chapter-19 -- trace --out trace.json`, or
//! `cargo run -p chapter-19 -- run tracing --trace trace.json` (the run's own spans as well).
//! Expect: log lines from worker-0..2 and the tokio workers interleaved; a trace whose every
//! span was closed and whose bars nest on each row; tasks polled on more than one worker thread
//! (usually). Book section: chapter 19, "Debugging concurrent programs".

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use tracing::instrument::WithSubscriber;
use tracing::{Instrument, info, info_span};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

use crate::fib::fib_iterative;
use common::trace::{ChromeLayer, Phase, Record};
use common::{Outcome, RunConfig, TableData, Verdict};

common::variants! {
    /// What the traced run writes.
    pub enum Format {
        /// Log lines, and a Chrome trace file for Perfetto.
        Chrome = "chrome": "log lines with thread names, and a trace file in the temp directory",
    }
}

/// Log output collected in memory (the fmt layer's writer).
#[derive(Debug, Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        crate::lock(&self.0).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for SharedBuf {
    type Writer = SharedBuf;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// What one traced run produced.
#[derive(Debug, Clone)]
pub struct TracedRun {
    /// The fmt layer's log, one line per event.
    pub log: Vec<String>,
    /// The Chrome layer, holding the trace.
    pub trace: ChromeLayer,
}

/// One worker thread's jobs: compute, then store the result under the shared lock.
fn worker_jobs(worker: usize, results: &Mutex<Vec<usize>>, n: u32) {
    for job in 0..3 {
        let _job = info_span!("job", worker, job).entered();
        let digits = {
            let _compute = info_span!("compute").entered();
            fib_iterative(n + 1_000 * job as u32).digit_count()
        };
        let mut stored = {
            let _wait = info_span!("wait for lock").entered();
            crate::lock(results)
        };
        let _critical = info_span!("critical section").entered();
        stored.push(digits);
        info!(digits, "stored fib result");
    }
}

/// One async task: three steps of work, each followed by a short timer.
async fn task_steps(n: u32) {
    for step in 0..3 {
        let digits = fib_iterative(n).digit_count();
        info!(step, digits, "step done, awaiting the timer");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Runs the traced workload: three threads, then four tasks; `n` sizes the Fibonacci work.
pub fn traced_run(n: u32) -> anyhow::Result<TracedRun> {
    let trace = ChromeLayer::new();
    let log = SharedBuf::default();
    let subscriber = tracing_subscriber::registry()
        .with(trace.clone())
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(log.clone())
                .with_thread_names(true)
                .with_target(false)
                .with_timer(tracing_subscriber::fmt::time::uptime()),
        )
        // Under `--trace FILE`, this run's threads and tasks go into that file as well.
        .with(common::trace::global_layer().cloned());
    let dispatch = tracing::Dispatch::new(subscriber);

    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| -> anyhow::Result<()> {
        let workers = (0..3)
            .map(|w| {
                let (dispatch, results) = (dispatch.clone(), &results);
                std::thread::Builder::new()
                    .name(format!("worker-{w}"))
                    .spawn_scoped(s, move || {
                        tracing::dispatcher::with_default(&dispatch, || worker_jobs(w, results, n))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?;
        }
        Ok(())
    })?;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name_fn({
            let next = std::sync::atomic::AtomicUsize::new(0);
            move || {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                format!("tokio-worker-{n}")
            }
        })
        .enable_time()
        .build()?;
    rt.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|id| {
                // The span is made inside the subscriber's scope, then entered on every poll.
                tokio::spawn(
                    async move { task_steps(n / 2).instrument(info_span!("task", id)).await }
                        .with_subscriber(dispatch.clone()),
                )
            })
            .collect();
        for t in tasks {
            t.await?;
        }
        anyhow::Ok(())
    })?;
    drop(rt);

    let text = String::from_utf8_lossy(&crate::lock(&log.0)).into_owned();
    Ok(TracedRun {
        log: text.lines().map(str::to_string).collect(),
        trace,
    })
}

/// Whether every span was closed (none left unfinished) and, on each thread, the bars nest: a
/// bar that starts inside another ends inside it too.
pub fn balanced(records: &[Record]) -> bool {
    let mut rows: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.phase == Phase::Complete) {
        if r.unfinished {
            return false;
        }
        rows.entry(r.thread.as_str()).or_default().push(r);
    }
    rows.values_mut().all(|bars| {
        bars.sort_by_key(|b| (b.start_nanos, std::cmp::Reverse(b.dur_nanos)));
        // The ends of the bars that enclose the current one, innermost last.
        let mut enclosing: Vec<u64> = Vec::new();
        bars.iter().all(|bar| {
            let end = bar.start_nanos + bar.dur_nanos;
            while enclosing.last().is_some_and(|&e| e <= bar.start_nanos) {
                enclosing.pop();
            }
            let fits = enclosing.last().is_none_or(|&e| end <= e);
            enclosing.push(end);
            fits
        })
    })
}

/// For each task span (by its field, `id=N`), the threads it was polled on.
pub fn task_threads(records: &[Record]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.phase == Phase::Complete && r.name == "task")
    {
        let id = r.arg("id").unwrap_or_default();
        out.entry(format!("id={id}"))
            .or_default()
            .insert(r.thread.clone());
    }
    out
}

/// The default trace file of the example.
pub fn default_trace_path() -> PathBuf {
    std::env::temp_dir().join("chapter-19-trace.json")
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Format::Chrome = config.variant_of()?;
    let n = config.pick(20_000, 60_000);
    let run = traced_run(n)?;
    let path = default_trace_path();
    run.trace.write(&path)?;
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let events = written["traceEvents"].as_array().map_or(0, Vec::len);
    let records = run.trace.records();
    let threads: BTreeSet<&str> = records.iter().map(|r| r.thread.as_str()).collect();
    let tasks = task_threads(&records);
    let moved = tasks.values().filter(|t| t.len() > 1).count();

    let mut table = TableData::new("Where each task was polled", &["task", "threads"]);
    for (task, on) in &tasks {
        table.row([
            task.clone(),
            on.iter().cloned().collect::<Vec<_>>().join(", "),
        ]);
    }
    let showed = balanced(&records) && threads.len() >= 4 && events > 0 && tasks.len() == 4;
    let mut outcome = config.outcome(Verdict::from(showed)).line(
        "The first lines of the log from the threads, then from the tasks (thread name, then the spans the line is inside):",
    );
    let from_threads = run.log.iter().filter(|l| !l.contains("task{")).take(5);
    let from_tasks = run.log.iter().filter(|l| l.contains("task{")).take(4);
    for line in from_threads.chain(from_tasks) {
        outcome = outcome.line(format!("  {line}"));
    }
    Ok(outcome
        .line(format!("  … {} lines in all.", run.log.len()))
        .line(format!(
            "Chrome trace written to {} — open it at https://ui.perfetto.dev (Open trace file).",
            path.display()
        ))
        .count("trace events", events, "events").as_key()
        .count("threads in the trace", threads.len(), "threads")
        .count("tasks polled on more than one thread", moved, "tasks")
        .table(table)
        .notice("spans name what each thread is doing, so interleaved log lines stay readable; in the timeline, a lock wait is the gap before \"critical section\", and each async task's bars hop between worker threads"))
}

/// `chapter-19 trace --out FILE`: the same run, with the trace written where you say.
#[derive(Debug, Parser)]
#[command(
    name = "chapter-19 trace",
    bin_name = "chapter-19 trace",
    about = "Run the traced threads and tasks and write a Chrome trace (open it at https://ui.perfetto.dev)"
)]
struct TraceArgs {
    /// Where to write the trace (JSON, Chrome trace format).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Size of each Fibonacci job (more = longer bars).
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(100..=500_000))]
    n: u32,
}

/// The `trace` tool's entry point.
pub fn trace_tool(args: Vec<OsString>) -> ExitCode {
    let args = match TraceArgs::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return common::cli::clap_error(e),
    };
    let run = match traced_run(args.n) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: the traced run failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = run.trace.write(&args.out) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    for line in &run.log {
        println!("{line}");
    }
    println!(
        "wrote {} span and event records to {}; open it at https://ui.perfetto.dev",
        run.trace.records().len(),
        args.out.display()
    );
    ExitCode::SUCCESS
}
