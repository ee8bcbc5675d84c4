//! Checking the status of many websites: one after the other, one thread each, a thread pool, and
//! async tasks on one thread.
//!
//! Mirrors the book's `Chapter05/example2.py` (six `httpstat.us` URLs pinged one after the other),
//! `example3.py` (the same with one `threading.Thread` per URL, both timed) and `example4.py`
//! (a thread that keeps its response in `self.result` — here each thread's result comes back
//! through its join handle). The exercise is I/O-bound: the client spends nearly all its time
//! waiting for the server, so overlapping the waits is the whole win.
//!
//! Every variant fetches the same N URLs, cycling through the book's six status codes, each
//! answered after L ms by the local server (`/status/{code}?sleep=L`). With N requests of latency
//! L:
//!
//! - `sequential` takes about N·L: each wait starts when the previous one ends;
//! - `threads` (one per request) and `async` (one task per request, all on one thread) take about
//!   one L: all the waits overlap;
//! - `thread-pool` with P threads (`--threads P`) takes about ⌈N/P⌉·L;
//! - `compare` runs all four against the same server and reports the speedups side by side.
//!
//! The verdict rests on counted facts, not on the clock: every status came back as asked, and the
//! server's own count of requests in flight at once (`stats().peak_in_flight`) is 1 for the
//! sequential client, more than 1 for the concurrent ones, and never above P for the pool.
//!
//! Run: `cargo run -p chapter-5 -- run check-status` (quick: N=20, L=25 ms); full size
//! `cargo run --release -p chapter-5 -- run check-status --variant compare` (N=100, L=100 ms).
//! Expect: sequential ≈ N·L, threads and async ≈ L (+ a few ms), the pool ≈ ⌈N/P⌉·L.

use std::time::Duration;

use anyhow::Context;
use common::http::StatusServer;
use common::timing::{Stopwatch, speedup};
use common::watchdog::Watchdog;
use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::pool::pool_map;
use crate::probe::{
    LATENCY_NOTE, Probe, Target, blocking_agent, book_targets, fetch_async, fetch_blocking, ms,
    probe_table, runtime,
};

/// How the client sends its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One request at a time (the book's `example2.py`).
    Sequential,
    /// One OS thread per request, all joined (the book's `example3.py` and `example4.py`).
    Threads,
    /// A pool of this many threads taking requests from a shared queue (`ThreadPoolExecutor`).
    ThreadPool(usize),
    /// One tokio task per request, all on a single thread.
    Async,
}

impl Style {
    /// The style's name, as its variant is called.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Threads => "threads",
            Self::ThreadPool(_) => "thread-pool",
            Self::Async => "async",
        }
    }

    /// The most requests this style can have in flight at once, for `n` requests.
    pub fn max_in_flight(self, n: usize) -> usize {
        match self {
            Self::Sequential => 1.min(n),
            Self::Threads | Self::Async => n,
            Self::ThreadPool(workers) => workers.min(n),
        }
    }

    /// About how many latencies the run should take for `n` requests: N, ⌈N/P⌉ or 1.
    pub fn expected_latencies(self, n: usize) -> usize {
        match self {
            Self::Sequential => n,
            Self::Threads | Self::Async => 1.min(n),
            Self::ThreadPool(workers) => n.div_ceil(workers.max(1)),
        }
    }
}

/// The workload: how many requests, and how long the server takes to answer each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// N, the number of requests.
    pub requests: usize,
    /// L, the server's delay before each answer.
    pub latency: Duration,
}

impl Workload {
    /// Quick: N=20, L=25 ms (sequential ≈ 0.5 s). Full: N=100, L=100 ms. The verdict counts
    /// requests in flight at the server, so a shorter L changes the times, not the facts.
    pub fn for_config(config: &RunConfig) -> Self {
        Self {
            requests: config.pick(20, 100),
            latency: Duration::from_millis(config.pick(25, 100)),
        }
    }

    /// A per-request timeout that never fires on a healthy run: it only guarantees an end.
    pub fn safety_timeout(&self) -> Duration {
        self.latency + Duration::from_secs(10)
    }

    /// The longest a whole run may take before the watchdog gives up on it.
    pub fn deadline(&self) -> Duration {
        self.latency * (2 * self.requests as u32) + Duration::from_secs(20)
    }
}

/// One client style's run against the server.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The style that ran.
    pub style: Style,
    /// Every request's result, in the order the URLs were given.
    pub probes: Vec<Probe>,
    /// Wall-clock time for all of them.
    pub total: Duration,
    /// The most requests the *server* had in flight at once during this run.
    pub peak_in_flight: usize,
}

impl Checked {
    /// Requests that came back with the status they asked for.
    pub fn as_expected(&self) -> usize {
        self.probes.iter().filter(|p| p.as_expected()).count()
    }

    /// True if every status was right and the server saw the concurrency this style allows:
    /// never more than its maximum, and more than one at once whenever it allows more than one.
    pub fn showed(&self) -> bool {
        let max = self.style.max_in_flight(self.probes.len());
        self.as_expected() == self.probes.len()
            && self.peak_in_flight <= max
            && (max <= 1 || self.peak_in_flight > 1)
    }
}

/// Sends every target's request in the given style and returns the results in target order.
/// Blocks; call it on a watched thread.
pub fn check(style: Style, targets: &[Target], timeout: Duration) -> anyhow::Result<Vec<Probe>> {
    let agent = blocking_agent(timeout);
    Ok(match style {
        Style::Sequential => targets.iter().map(|t| fetch_blocking(&agent, t)).collect(),
        Style::Threads => std::thread::scope(|scope| {
            let handles: Vec<_> = targets
                .iter()
                .map(|target| {
                    let agent = &agent;
                    // Like the book's `MyThread.result`: the thread's answer comes back when it
                    // is joined.
                    scope.spawn(move || fetch_blocking(agent, target))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        }),
        Style::ThreadPool(workers) => pool_map(targets, workers, |t| fetch_blocking(&agent, t)),
        Style::Async => runtime()?.block_on(futures::future::join_all(
            targets.iter().map(|t| fetch_async(t, timeout)),
        )),
    })
}

/// Runs one style against `server` on a watched thread, timing it and reading the server's peak.
pub fn measure(server: &StatusServer, style: Style, workload: Workload) -> anyhow::Result<Checked> {
    let base = server.url("");
    let targets = book_targets(&base, workload.requests, workload.latency);
    let timeout = workload.safety_timeout();
    server.reset_peak();
    let watch = Stopwatch::start();
    let probes = Watchdog::new(workload.deadline())
        .stall_after(workload.deadline())
        .run_one(&format!("{} client", style.name()), move || {
            check(style, &targets, timeout)
        })
        .map_err(anyhow::Error::msg)??;
    let total = watch.elapsed();
    Ok(Checked {
        style,
        probes,
        total,
        peak_in_flight: server.stats().peak_in_flight,
    })
}

common::variants! {
    /// The example's variants: one client style, or all four side by side.
    pub enum Choice {
        /// [`Style::Sequential`].
        Sequential = "sequential": "one request after the other",
        /// [`Style::Threads`].
        Threads = "threads": "one OS thread per request, all joined",
        /// [`Style::ThreadPool`], of `--threads` workers.
        ThreadPool = "thread-pool": "--threads P workers take requests from a shared queue",
        /// [`Style::Async`].
        Async = "async": "one tokio task per request, all on one thread",
        /// Every style in turn against the same server.
        Compare = "compare": "all four against the same server, speedups side by side",
    }
}

impl Choice {
    /// The one style this variant runs (a pool of `threads`), or `None` for `compare`.
    pub fn style(self, threads: usize) -> Option<Style> {
        match self {
            Self::Sequential => Some(Style::Sequential),
            Self::Threads => Some(Style::Threads),
            Self::ThreadPool => Some(Style::ThreadPool(threads)),
            Self::Async => Some(Style::Async),
            Self::Compare => None,
        }
    }
}

/// The example: one variant per client style, plus `compare`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let choice = config.variant_of::<Choice>()?;
    let workload = Workload::for_config(config);
    let server = StatusServer::start().context("starting the local status server")?;
    let outcome = match choice.style(config.threads) {
        Some(style) => one_style(config, &server, style, workload)?,
        None => compare(config, &server, workload)?,
    };
    server.shutdown();
    Ok(outcome)
}

fn one_style(
    config: &RunConfig,
    server: &StatusServer,
    style: Style,
    workload: Workload,
) -> anyhow::Result<Outcome> {
    let checked = measure(server, style, workload)?;
    let n = workload.requests;
    let l = workload.latency;
    let floor = l * n as u32;
    let expected = style.expected_latencies(n);
    let mut outcome = config
        .outcome(Verdict::from(checked.showed()))
        .key_figure("total time", ms(checked.total), "ms")
        .figure("requests", n as f64, "requests")
        .figure("latency per request", ms(l), "ms")
        .figure(
            "total / latency",
            checked.total.as_secs_f64() / l.as_secs_f64(),
            "x",
        )
        .figure("speedup over N·L", speedup(floor, checked.total), "x")
        .figure(
            "peak requests in flight (server)",
            checked.peak_in_flight as f64,
            "requests",
        )
        .figure(
            "statuses as asked",
            checked.as_expected() as f64,
            "requests",
        )
        .table(probe_table(
            format!("{} requests, {}", n, style.name()),
            &checked.probes,
        ))
        .line(format!(
            "{} of {} each took {} = {:.1} latencies (expected about {expected}{})",
            format::count(n),
            format::duration(l),
            format::duration(checked.total),
            checked.total.as_secs_f64() / l.as_secs_f64(),
            match style {
                Style::ThreadPool(p) => format!(" = ⌈{n}/{p}⌉"),
                _ => String::new(),
            }
        ))
        .line(format!(
            "the server had at most {} in flight at once (this style allows {})",
            format::counted(checked.peak_in_flight, "requests"),
            style.max_in_flight(n)
        ))
        .line(format!(
            "{} of {n} statuses came back as asked",
            checked.as_expected()
        ))
        .line(LATENCY_NOTE);
    if style != Style::Sequential {
        outcome = outcome.line(format!(
            "speedup over the sequential floor N·L = {}: {}",
            format::duration(floor),
            format::ratio(speedup(floor, checked.total))
        ));
    }
    Ok(outcome.notice(match style {
        Style::Sequential => {
            "each request waits for the one before it: the total is the sum of the latencies, N·L"
        }
        Style::Threads => {
            "every thread waits at the same time, so the total is about one latency, not N of them"
        }
        Style::ThreadPool(_) => {
            "a pool overlaps only P waits at once: ⌈N/P⌉ rounds of one latency each"
        }
        Style::Async => {
            "one thread, N tasks: while one task waits on its socket the others run, so N waits \
             overlap as well as on N threads"
        }
    }))
}

fn compare(
    config: &RunConfig,
    server: &StatusServer,
    workload: Workload,
) -> anyhow::Result<Outcome> {
    let styles = [
        Style::Sequential,
        Style::Threads,
        Style::ThreadPool(config.threads),
        Style::Async,
    ];
    let mut runs = Vec::new();
    for style in styles {
        runs.push(measure(server, style, workload)?);
    }
    let sequential = runs[0].total;
    let l = workload.latency;
    let n = workload.requests;
    let unit = format::TimeUnit::fitting(runs.iter().map(|run| run.total));
    // The largest total has one to three digits in this unit: seconds need the decimals.
    let decimals = if unit == format::TimeUnit::Seconds {
        2
    } else {
        0
    };
    let total_header = format!("total ({})", unit.symbol());
    let mut table = TableData::new(
        format!(
            "{} requests, {} latency each, same server",
            format::count(n),
            format::duration(l)
        ),
        &[
            "client",
            &total_header,
            "total / L",
            "speedup over sequential",
            "peak in flight (server)",
            "statuses as asked",
        ],
    );
    let mut outcome = config.outcome(Verdict::Showed);
    for run in &runs {
        let label = match run.style {
            Style::ThreadPool(p) => format!("thread-pool ({p} threads)"),
            other => other.name().to_string(),
        };
        table.row([
            label,
            unit.number(run.total, decimals),
            format!("{:.1}", run.total.as_secs_f64() / l.as_secs_f64()),
            format::ratio(speedup(sequential, run.total)),
            run.peak_in_flight.to_string(),
            format!("{}/{n}", run.as_expected()),
        ]);
        outcome = outcome.figure(format!("{} total", run.style.name()), ms(run.total), "ms");
        if run.style != Style::Sequential {
            outcome = outcome.figure(
                format!("{} speedup", run.style.name()),
                speedup(sequential, run.total),
                "x",
            );
        }
    }
    let async_speedup = speedup(sequential, runs[3].total);
    outcome.verdict = Verdict::from(runs.iter().all(Checked::showed));
    Ok(outcome
        .key_figure("async speedup over sequential", async_speedup, "x")
        .table(table)
        .line(format!(
            "sequential: {:.1} latencies; threads: {:.1}; async: {:.1}; thread pool of {}: {:.1} (⌈N/P⌉ = {})",
            runs[0].total.as_secs_f64() / l.as_secs_f64(),
            runs[1].total.as_secs_f64() / l.as_secs_f64(),
            runs[3].total.as_secs_f64() / l.as_secs_f64(),
            config.threads,
            runs[2].total.as_secs_f64() / l.as_secs_f64(),
            n.div_ceil(config.threads.max(1)),
        ))
        .line(LATENCY_NOTE)
        .notice(
            "N waiting requests cost N latencies one after the other, but about one latency when \
             they overlap — on N threads or on one thread with N tasks",
        ))
}
