//! I/O-bound work: waiting, not computing, so concurrency helps even on one core.
//!
//! The book contrasts CPU-bound work (the prime check) with I/O-bound work, where a task spends
//! its time waiting for a disk, a network or a server. Waiting uses no CPU, so many waits can
//! overlap however few cores there are. The lesson is *latency*, so each request here is a
//! sleep of a fixed latency (50 ms with `--quick`, 100 ms otherwise) standing in for a
//! round-trip to a slow server: the sleep is the subject, and the output says so.
//!
//! - `sequential`: the `--threads` requests one after another: the total is the sum of their
//!   latencies, at least N × latency.
//! - `threads`: one thread per request, all waiting at once: the total falls to about one
//!   latency (never below it: each request still takes its full latency).
//!
//! Run: `cargo run -p chapter-1 -- run io-bound --variant threads --threads 20`.

use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, Verdict};

common::variants! {
    /// How the requests are made.
    pub enum Requests {
        /// One after another.
        Sequential = "sequential": "one request after another",
        /// One thread per request, all at once.
        Threads = "threads": "one thread per request, all waiting at once",
    }
}

/// One simulated request: waits `latency` (a sleep: the latency is the point).
pub fn request(latency: Duration) {
    std::thread::sleep(latency);
}

/// `requests` requests one after another; returns the total time.
pub fn sequential(requests: usize, latency: Duration) -> Duration {
    let watch = Stopwatch::start();
    for _ in 0..requests {
        request(latency);
    }
    watch.elapsed()
}

/// `requests` requests on one thread each, all at once; returns the total time.
pub fn concurrent(requests: usize, latency: Duration) -> Duration {
    let watch = Stopwatch::start();
    std::thread::scope(|scope| {
        for _ in 0..requests {
            scope.spawn(move || request(latency));
        }
    });
    watch.elapsed()
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let requests = config.threads;
    let latency = config.pick(Duration::from_millis(50), Duration::from_millis(100));
    let sum = latency * requests as u32;
    let way = config.variant_of::<Requests>()?;
    let (total, how) = match way {
        Requests::Threads => (
            concurrent(requests, latency),
            "on one thread each, all waiting at once",
        ),
        Requests::Sequential => (sequential(requests, latency), "one after another"),
    };
    let latencies = total.as_secs_f64() / latency.as_secs_f64();
    // Sequential: the sum of the latencies. Concurrent: well under half of it.
    let showed = match way {
        Requests::Threads => requests < 2 || total < sum / 2,
        Requests::Sequential => total >= sum,
    };
    let outcome = config.outcome(Verdict::from(showed))
        .line(format!(
            "{requests} requests of {} latency each (a sleep standing in for a slow server: the latency is the lesson), {how}.",
            human(latency)
        ))
        .line(format!(
            "Total {}: {latencies:.1} latencies; the sum of all latencies is {}.",
            human(total),
            human(sum)
        ))
        .duration("total time", total).as_key()
        .duration("latency", latency)
        .duration("sum of latencies", sum)
        .figure("total in latencies", latencies, "latencies")
        .count("requests", requests, "requests");
    Ok(outcome.notice(match way {
        Requests::Threads => {
            "waiting needs no CPU: N waits overlap into about one latency, even on one core"
        }
        Requests::Sequential => "one after another, the waits add up: N requests take N latencies",
    }))
}
