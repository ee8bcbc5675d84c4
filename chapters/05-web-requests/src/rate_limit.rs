//! Rate limiting: at most K requests in flight, however many are waiting to go.
//!
//! The book warns that firing many concurrent requests at one server can overload it (or get the
//! client banned) and suggests limiting them. Here N requests each start at once, but every one
//! must hold a permit of a K-permit semaphore while it talks to the server:
//!
//! - `unbounded`: no limit — all N go at once. The server sees N in flight; the run takes one
//!   latency. Fast, and exactly what a rate limit is there to prevent.
//! - `semaphore`: one thread per request, each takes a permit of the chapter's own semaphore
//!   (`semaphore.rs`, model-checked with shuttle) before it connects and gives it back when the
//!   answer is read. The run takes about ⌈N/K⌉ latencies.
//! - `async-semaphore`: one tokio task per request, limited by `tokio::sync::Semaphore`.
//!
//! The verdict rests on the server's own count: `stats().peak_in_flight`, the most requests it was
//! handling at once. With a limit K it must be ≤ K (a counted fact, whatever the machine's
//! speed); without one it climbs past K. `--threads K` sets the limit (default 4).
//!
//! Run: `cargo run -p chapter-5 -- run rate-limit` or `--variant semaphore --threads 8`.
//! Expect (quick, N=20, L=25 ms, K=4): unbounded ≈ 25 ms, peak 20; limited ≈ 125 ms, peak 4.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use common::http::StatusServer;
use common::timing::Stopwatch;
use common::watchdog::Watchdog;
use common::{Outcome, RunConfig, Verdict};

use crate::probe::{
    LATENCY_NOTE, Probe, Target, blocking_agent, book_targets, fetch_async, fetch_blocking, ms,
    probe_table, runtime,
};
use crate::semaphore::Semaphore;

common::variants! {
    /// The example's variants: which limiter the requests go through.
    pub enum Limit {
        /// [`Limiter::Unbounded`].
        Unbounded = "unbounded": "no limit: all N at once",
        /// [`Limiter::Semaphore`].
        Semaphore = "semaphore": "one thread per request, each holds a permit of the chapter's semaphore",
        /// [`Limiter::AsyncSemaphore`].
        AsyncSemaphore = "async-semaphore": "one task per request, tokio::sync::Semaphore",
    }
}

impl Limit {
    /// This variant's limiter, letting `k` requests through at once where it limits at all.
    pub fn limiter(self, k: usize) -> Limiter {
        match self {
            Self::Unbounded => Limiter::Unbounded,
            Self::Semaphore => Limiter::Semaphore(k),
            Self::AsyncSemaphore => Limiter::AsyncSemaphore(k),
        }
    }
}

/// How requests are let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limiter {
    /// No limit.
    Unbounded,
    /// The chapter's semaphore, on one thread per request.
    Semaphore(usize),
    /// `tokio::sync::Semaphore`, on one task per request.
    AsyncSemaphore(usize),
}

impl Limiter {
    /// The limit, if any.
    pub fn limit(self) -> Option<usize> {
        match self {
            Self::Unbounded => None,
            Self::Semaphore(k) | Self::AsyncSemaphore(k) => Some(k),
        }
    }
}

/// Sends every request through `limiter`; results in target order. Blocks.
pub fn fetch_limited(
    limiter: Limiter,
    targets: &[Target],
    timeout: Duration,
) -> anyhow::Result<Vec<Probe>> {
    match limiter {
        Limiter::Unbounded => {
            let agent = blocking_agent(timeout);
            Ok(on_threads(targets, |t| fetch_blocking(&agent, t)))
        }
        Limiter::Semaphore(limit) => {
            let agent = blocking_agent(timeout);
            let permits = Semaphore::new(limit);
            Ok(on_threads(targets, |t| {
                // The permit is held from before connecting until the answer is read, which
                // covers the whole time the server spends on the request.
                let _permit = permits.acquire();
                fetch_blocking(&agent, t)
            }))
        }
        Limiter::AsyncSemaphore(limit) => runtime()?.block_on(async {
            let permits = Arc::new(tokio::sync::Semaphore::new(limit));
            let requests = targets.iter().map(|target| {
                let permits = Arc::clone(&permits);
                async move {
                    let _permit = permits.acquire_owned().await?;
                    anyhow::Ok(fetch_async(target, timeout).await)
                }
            });
            futures::future::join_all(requests)
                .await
                .into_iter()
                .collect()
        }),
    }
}

/// One scoped thread per target, joined in order.
fn on_threads(targets: &[Target], fetch: impl Fn(&Target) -> Probe + Sync) -> Vec<Probe> {
    std::thread::scope(|scope| {
        let fetch = &fetch;
        let handles: Vec<_> = targets
            .iter()
            .map(|target| scope.spawn(move || fetch(target)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The example's three variants.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let n: usize = config.pick(20, 100);
    let latency = Duration::from_millis(config.pick(25, 100));
    let k = config.threads;
    let kind = config.variant_of::<Limit>()?;
    let limiter = kind.limiter(k);
    let server = StatusServer::start().context("starting the local status server")?;
    let targets = book_targets(&server.url(""), n, latency);
    let timeout = latency + Duration::from_secs(10);
    let limit = latency * (2 * n as u32) + Duration::from_secs(20);
    server.reset_peak();
    let watch = Stopwatch::start();
    let probes = Watchdog::new(limit)
        .stall_after(limit)
        .run_one(&format!("{kind} client"), move || {
            fetch_limited(limiter, &targets, timeout)
        })
        .map_err(anyhow::Error::msg)??;
    let total = watch.elapsed();
    let peak = server.shutdown().peak_in_flight;

    let ok = probes.iter().filter(|p| p.as_expected()).count();
    let rounds = limiter.limit().map_or(1, |k| n.div_ceil(k));
    let (showed, bound_line) = match limiter.limit() {
        Some(k) => (
            peak <= k,
            format!(
                "the server counted at most {peak} requests in flight at once: {} the limit of {k}",
                if peak <= k { "within" } else { "ABOVE" }
            ),
        ),
        // Unbounded: more in flight than a limit of K would allow. With K >= N no limit could
        // hold anything back, so then the fact is only that the requests overlapped.
        None if k < n => (
            peak > k,
            format!(
                "the server counted {peak} requests in flight at once, past the {k} a limit \
                 would allow"
            ),
        ),
        None => (
            peak > 1,
            format!(
                "the server counted {peak} requests in flight at once (a limit of {k} would not \
                 hold back {n} requests: give --threads below {n} to compare)"
            ),
        ),
    };
    let outcome = config
        .outcome(Verdict::from(showed && ok == n))
        .key_figure("peak requests in flight (server)", peak as f64, "requests")
        .figure("limit", k as f64, "requests")
        .figure("total time", ms(total), "ms")
        .figure(
            "total / latency",
            total.as_secs_f64() / latency.as_secs_f64(),
            "x",
        )
        .figure("statuses as asked", ok as f64, "requests")
        .table(probe_table(format!("{n} requests, {kind}"), &probes))
        .line(bound_line)
        .line(format!(
            "{n} requests of {} ms took {:.0} ms = {:.1} latencies (about {rounds} expected{})",
            latency.as_millis(),
            ms(total),
            total.as_secs_f64() / latency.as_secs_f64(),
            if limiter.limit().is_some() {
                format!(": ⌈{n}/{k}⌉ rounds")
            } else {
                ": all at once".to_string()
            }
        ))
        .line(LATENCY_NOTE);
    Ok(outcome.notice(match limiter {
        Limiter::Unbounded => {
            "nothing holds the requests back: the server takes all N at once — fastest for the \
             client, hardest on the server"
        }
        _ => {
            "a semaphore trades time for politeness: never more than K at once, so N requests \
             take ⌈N/K⌉ latencies — checked by the server's own count"
        }
    }))
}
