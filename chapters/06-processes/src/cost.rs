//! What a process costs next to a thread: the time to start one and wait for it to end.
//!
//! A thread shares its parent's memory; `fork` gives the child a copy (copy-on-write: the page
//! tables are copied, the pages only when written), and the parent must reap it. So starting a
//! process costs more than starting a thread. This example times both: `fork` + `waitpid` of a
//! child that `_exit`s at once, and `thread::spawn` + `join` of a thread that returns at once —
//! the median of many of each — and reports the ratio.
//!
//! Run: `cargo run --release -p chapter-6 -- run cost`. Expect a process start+reap of tens to
//! hundreds of microseconds, and a thread spawn+join of a few to tens: the ratio is printed, not
//! judged (timings vary by machine and load). The book's chapter 6 discusses the overhead of
//! processes over threads in prose.

use std::time::{Duration, Instant};

use anyhow::Context;
use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict};
use nix::sys::wait::{WaitStatus, waitpid};

use crate::fork::fork_child;

/// The median of `samples` (sorted in place).
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Median time to fork a child that exits at once and reap it, over `runs` runs.
pub fn process_start(runs: usize) -> anyhow::Result<Duration> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let child = fork_child(|| 0)?; // the child only `_exit`s
        let status = waitpid(child, None).context("waitpid")?;
        samples.push(start.elapsed());
        anyhow::ensure!(status == WaitStatus::Exited(child, 0), "child: {status:?}");
    }
    Ok(median(&mut samples))
}

/// Median time to spawn a thread that returns at once and join it, over `runs` runs.
pub fn thread_start(runs: usize) -> Duration {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::thread::spawn(|| ())
            .join()
            .expect("the thread does not panic");
        samples.push(start.elapsed());
    }
    median(&mut samples)
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let runs = config.pick(101, 1001);
    let process = process_start(runs)?;
    let thread = thread_start(runs);
    let ratio = process.as_secs_f64() / thread.as_secs_f64().max(1e-9);
    let mut table = TableData::new(
        format!("Start and wait, median of {runs}"),
        &["what", "median"],
    );
    table.row(["fork + waitpid (a process)".to_string(), human(process)]);
    table.row(["thread::spawn + join (a thread)".to_string(), human(thread)]);
    Ok(Outcome::new("cost", config.variant, Verdict::Showed)
        .line(format!(
            "Starting a process and reaping it took {} (median); a thread, {}: about {ratio:.1}x.",
            human(process),
            human(thread)
        ))
        .table(table)
        .key_figure("process / thread start cost", ratio, "x")
        .figure("process start+reap", process.as_secs_f64() * 1e6, "µs")
        .figure("thread spawn+join", thread.as_secs_f64() * 1e6, "µs")
        .notice("a process buys isolation with a copied address space; that costs at every start"))
}
