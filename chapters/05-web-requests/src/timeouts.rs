//! One slow request holds up the whole join — and the cure: a timeout on every request and a
//! deadline on the whole run.
//!
//! Mirrors the book's `Chapter05/example5.py`, where one of seven threads asks
//! `httpstat.us/200?sleep=20000` and the program waits the full 20 s to join it although the six
//! others answered at once, and `example6.py`, the book's "custom timeout": daemon threads, and a
//! main thread that polls `isAlive()` every 10 ms for up to 5 s and reports whatever is still
//! running as "Custom timeout" (the threads are left running, and `isAlive` no longer exists in
//! Python 3.9+). Done properly here:
//!
//! - `slow-join` (the book's example5): one thread per URL, no timeout; the join takes as long as the
//!   slowest request, although the fast ones were done long before.
//! - `custom-timeout` (example6, done properly): every request carries its own timeout (ureq's
//!   `timeout_global`), so a slow request *ends* — it is not merely abandoned — and the main
//!   thread collects results from a channel until all have reported or an overall deadline
//!   passes (`collect_until`, exercise 5.2), with no polling.
//! - `async-timeout`: the same with tokio: `tokio::time::timeout` around each request, and a
//!   deadline on the whole set; a task still running at the deadline is aborted.
//!
//! Times are the book's scaled down: quick runs use medium 4 s → 50 ms, timeout 5 s → 200 ms,
//! slow 20 s → 450 ms and an overall deadline of 400 ms; full runs 200 ms, 500 ms, 1.2 s and 1 s.
//!
//! Run: `cargo run -p chapter-5 -- run timeouts` (all three) or `--variant slow-join`.
//! Expect: `slow-join` ≈ the slow request's delay; the other two end at about the timeout, with
//! the slow request reported as `timed out` and every other status as asked.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::http::StatusServer;
use common::timing::Stopwatch;
use common::watchdog::Watchdog;
use common::{Outcome, RunConfig, Verdict};
use tokio::task::JoinSet;

use crate::deadline::collect_until;
use crate::probe::{
    Answer, BOOK_CODES, LATENCY_NOTE, Probe, Target, blocking_agent, fetch_async, fetch_blocking,
    ms, probe_table, runtime,
};

common::variants! {
    /// How the client waits for its requests.
    pub enum Client {
        /// One thread per URL, joined with no timeout (the book's example5).
        SlowJoin = "slow-join": "threads joined with no timeout: the slowest sets the pace",
        /// A timeout on every blocking request, results collected until a deadline (example6).
        CustomTimeout = "custom-timeout": "a timeout on every request, results over a channel until a deadline",
        /// `tokio::time::timeout` on every task, the rest aborted at the deadline.
        AsyncTimeout = "async-timeout": "tokio::time::timeout per request, the rest aborted at the deadline",
    }
}

/// The delays and limits of one run, the book's scaled down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The book's `sleep=4000` request: slow, but within the timeout.
    pub medium: Duration,
    /// The book's `sleep=20000` request: slower than any timeout.
    pub slow: Duration,
    /// Each request's own timeout (the book's 5 s).
    pub per_request: Duration,
    /// The whole run's deadline: the backstop if a request ignored its timeout.
    pub overall: Duration,
}

impl Plan {
    /// The book's times, scaled: quick 4 s → 50 ms, 5 s → 200 ms, 20 s → 450 ms; full 200 ms,
    /// 500 ms, 1.2 s. The timeout keeps a wide margin over the medium request (the book's is 1 s
    /// of 5) and over an instant one on a loaded machine (it must not time out: the verdict
    /// checks it), and the run's end (about the timeout) stays far below the slow delay.
    pub fn for_config(config: &RunConfig) -> Self {
        let ms = |quick: u64, full: u64| Duration::from_millis(config.pick(quick, full));
        Self {
            medium: ms(50, 200),
            slow: ms(450, 1_200),
            per_request: ms(200, 500),
            overall: ms(400, 1_000),
        }
    }

    /// The book's URLs: its six status codes, then `200?sleep=4000` and `200?sleep=20000`
    /// (scaled). The slow one is last.
    pub fn targets(&self, base: &str) -> Vec<Target> {
        let mut targets: Vec<Target> = BOOK_CODES
            .iter()
            .map(|&code| Target::status(base, code, Duration::ZERO))
            .collect();
        targets.push(Target::status(base, 200, self.medium));
        targets.push(Target::status(base, 200, self.slow));
        targets
    }
}

/// The book's example5: one thread per URL, no timeout, join them all.
pub fn slow_join(targets: &[Target]) -> Vec<Probe> {
    // A limit far beyond any delay used here: the point is that nothing cuts the slow one short.
    let agent = blocking_agent(Duration::from_secs(60));
    std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|target| {
                let agent = &agent;
                scope.spawn(move || fetch_blocking(agent, target))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The book's example6, done properly: a timeout per request, results over a channel, and an
/// overall deadline on the collection. Threads that miss the deadline are reported as
/// [`Answer::Unfinished`]; their own timeouts end them soon after.
pub fn with_timeouts(targets: &[Target], per_request: Duration, overall: Duration) -> Vec<Probe> {
    let deadline = Instant::now() + overall;
    let agent = blocking_agent(per_request);
    let (sender, results) = mpsc::channel();
    for (index, target) in targets.iter().enumerate() {
        let agent = agent.clone();
        let target = target.clone();
        let sender = sender.clone();
        // Not scoped: the collector must not wait for a thread that missed the deadline. Each
        // thread ends by itself when its request's timeout fires.
        std::thread::spawn(move || {
            let probe = fetch_blocking(&agent, &target);
            // The collector may have stopped listening: that is fine, the result is late.
            let _ = sender.send((index, probe));
        });
    }
    // Only the threads hold senders now, so the channel disconnects when the last one is done.
    drop(sender);
    let slots = collect_until(&results, targets.len(), deadline);
    fill_unfinished(targets, slots, overall)
}

/// The async version: a tokio timeout per request, and a deadline on the whole set.
pub fn async_timeouts(
    targets: &[Target],
    per_request: Duration,
    overall: Duration,
) -> anyhow::Result<Vec<Probe>> {
    let slots = runtime()?.block_on(async {
        let deadline = tokio::time::Instant::now() + overall;
        let mut tasks = JoinSet::new();
        for (index, target) in targets.iter().enumerate() {
            let target = target.clone();
            tasks.spawn(async move { (index, fetch_async(&target, per_request).await) });
        }
        let mut slots: Vec<Option<Probe>> = targets.iter().map(|_| None).collect();
        loop {
            tokio::select! {
                next = tasks.join_next() => match next {
                    Some(Ok((index, probe))) => slots[index] = Some(probe),
                    Some(Err(e)) => anyhow::bail!("a request task failed: {e}"),
                    None => break,
                },
                _ = tokio::time::sleep_until(deadline) => {
                    // Past the deadline: cancel what is left (dropping a request's future closes
                    // its connection) and report it as unfinished.
                    tasks.abort_all();
                    break;
                }
            }
        }
        Ok(slots)
    })?;
    Ok(fill_unfinished(targets, slots, overall))
}

fn fill_unfinished(targets: &[Target], slots: Vec<Option<Probe>>, overall: Duration) -> Vec<Probe> {
    targets
        .iter()
        .zip(slots)
        .map(|(target, slot)| {
            slot.unwrap_or_else(|| Probe {
                target: target.clone(),
                answer: Answer::Unfinished,
                elapsed: overall,
            })
        })
        .collect()
}

/// The example's three variants.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let plan = Plan::for_config(config);
    let server = StatusServer::start().context("starting the local status server")?;
    let targets = plan.targets(&server.url(""));
    let client = config.variant_of::<Client>()?;
    let watch = Stopwatch::start();
    let limit = plan.slow * 4 + Duration::from_secs(10);
    let probes = Watchdog::new(limit)
        .stall_after(limit)
        .run_one(&format!("{client} client"), move || match client {
            Client::SlowJoin => Ok(slow_join(&targets)),
            Client::CustomTimeout => Ok(with_timeouts(&targets, plan.per_request, plan.overall)),
            Client::AsyncTimeout => async_timeouts(&targets, plan.per_request, plan.overall),
        })
        .map_err(anyhow::Error::msg)??;
    let total = watch.elapsed();
    // Dropping the server lets the abandoned slow request finish on the server side (it is still
    // sleeping there); that wait is the server's, not the client's, so it is not in `total`.
    drop(server);

    let (slow, fast) = probes.split_last().context("no requests")?;
    let (medium, instant) = fast.split_last().context("no medium request")?;
    let instant_ok = instant.iter().all(Probe::as_expected);
    let fast_done = fast.iter().map(|p| p.elapsed).max().unwrap_or_default();
    let fast_ok = fast.iter().filter(|p| p.as_expected()).count();
    let outcome = config
        .outcome(Verdict::DidNotShow)
        .key_figure("total time", ms(total), "ms")
        .figure("slowest fast request", ms(fast_done), "ms")
        .figure("slow request's delay", ms(plan.slow), "ms")
        .figure("statuses as asked (others)", fast_ok as f64, "requests")
        .table(probe_table(
            format!("{} requests, {client}", probes.len()),
            &probes,
        ));
    let outcome = match client {
        Client::SlowJoin => {
            // The book's point: the join waited for the slow one although the rest were long done.
            let showed = slow.as_expected() && fast_ok == fast.len() && total >= plan.slow;
            outcome
            .line(format!(
                "the {} other requests were all done after {:.0} ms, yet the join returned after \
                 {:.0} ms: the slow request (sleep={} ms) held up the whole run",
                fast.len(),
                ms(fast_done),
                ms(total),
                plan.slow.as_millis()
            ))
            .line(LATENCY_NOTE)
            .notice(
                "joining every thread waits for the slowest: with no timeout, one slow server \
                 sets the pace of the whole program",
            )
            .verdict_from(showed)
        }
        Client::CustomTimeout | Client::AsyncTimeout => {
            let cut_short = matches!(slow.answer, Answer::TimedOut | Answer::Unfinished);
            // The verdict: the slow one was cut short, the run did not wait for it, and the quick
            // ones all answered. The medium one is reported, not judged: on a very busy machine it
            // may miss its timeout, which is a timeout doing its job.
            let showed = cut_short && instant_ok && total < plan.slow;
            outcome
            .figure("per-request timeout", ms(plan.per_request), "ms")
            .figure("overall deadline", ms(plan.overall), "ms")
            .line(format!(
                "the slow request (sleep={} ms) was reported as \"{}\" after {:.0} ms; the run \
                 ended after {:.0} ms, well before the slow answer would have come",
                plan.slow.as_millis(),
                slow.answer.describe(),
                ms(slow.elapsed),
                ms(total)
            ))
            .line(format!(
                "the medium request (sleep={} ms, the book's 4 s; timeout {} ms): {} after {:.0} ms",
                plan.medium.as_millis(),
                plan.per_request.as_millis(),
                medium.answer.describe(),
                ms(medium.elapsed)
            ))
            .line(format!(
                "overall deadline {} ms: {}",
                plan.overall.as_millis(),
                if probes.iter().any(|p| p.answer == Answer::Unfinished) {
                    "reached; the requests still out were reported as unfinished"
                } else {
                    "not needed this time: every request ended by its own timeout first"
                }
            ))
            .line(LATENCY_NOTE)
            .notice(
                "a timeout on each request ends the slow one; a deadline on the whole run is the \
                 backstop, so no request can hold the program up",
            )
            .verdict_from(showed)
        }
    };
    Ok(outcome)
}

/// Sets a verdict at the end of a builder chain.
trait VerdictFrom {
    fn verdict_from(self, showed: bool) -> Self;
}

impl VerdictFrom for Outcome {
    fn verdict_from(mut self, showed: bool) -> Self {
        self.verdict = Verdict::from(showed);
        self
    }
}
