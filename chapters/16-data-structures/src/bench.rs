//! A small throughput harness shared by the chapter's measurements: start N watched threads
//! together, let each run its share of operations, and time the run from the common start to the
//! last thread's finish.
//!
//! Each worker notes when it passed a common barrier and when it finished (so thread start-up is
//! not counted); the run's time is from the first start to the last finish — wall time, which on
//! 2 cores with 4 threads includes the time threads waited for a core. The watchdog (`common::watchdog`) bounds every run: a structure that
//! deadlocks fails with a report instead of hanging the tour. Timings on a shared 2-core machine
//! are noisy: the examples report them, and their verdicts rest on counted facts instead.
//!
//! Used by `counters`, `linked-list` and `lock-free-stack` (book: chapter 16's timing loops,
//! `example3.py` and `example4.py`).

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};

/// One timed run: what each thread returned and how long the run took.
#[derive(Debug, Clone)]
pub struct Timed<R> {
    /// Each thread's result, in thread order.
    pub results: Vec<R>,
    /// From the common start to the last thread's finish.
    pub elapsed: Duration,
}

impl<R> Timed<R> {
    /// Operations per second, for `ops` operations in all.
    pub fn per_second(&self, ops: u64) -> f64 {
        ops as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs `body(thread_index, ctx)` on `threads` watched threads started together. Errors if the
/// run did not finish by `deadline` (with the watchdog's report) or a thread panicked.
pub fn run_timed<R: Send + 'static>(
    name: &str,
    threads: usize,
    deadline: Duration,
    body: impl Fn(usize, &WorkerCtx) -> R + Send + Sync + 'static,
) -> anyhow::Result<Timed<R>> {
    let body = Arc::new(body);
    let barrier = Arc::new(Barrier::new(threads));
    let workers = (0..threads)
        .map(|i| {
            let (body, barrier) = (Arc::clone(&body), Arc::clone(&barrier));
            worker(format!("{name} {i}"), move |ctx: &WorkerCtx| {
                barrier.wait();
                let start = Instant::now();
                let result = body(i, ctx);
                (result, start, Instant::now())
            })
        })
        .collect();
    let mut report = Watchdog::new(deadline).stall_after(deadline).run(workers);
    anyhow::ensure!(
        report.ending == Ending::Finished && report.panics().is_empty(),
        "{name}: the run did not finish: {}\n{}{}",
        report.describe_ending(),
        report.thread_lines().join("\n"),
        report.panics().join("\n")
    );
    let mut results = Vec::with_capacity(threads);
    let (mut first, mut last) = (None::<Instant>, None::<Instant>);
    for thread in report.threads.drain(..) {
        if let common::watchdog::WorkerResult::Finished((result, start, end)) = thread.result {
            first = Some(first.map_or(start, |f| f.min(start)));
            last = Some(last.map_or(end, |l| l.max(end)));
            results.push(result);
        }
    }
    let elapsed = match (first, last) {
        (Some(first), Some(last)) => last.duration_since(first),
        _ => Duration::ZERO,
    };
    Ok(Timed { results, elapsed })
}
