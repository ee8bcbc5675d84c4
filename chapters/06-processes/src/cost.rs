//! What a process costs next to a thread: the time to start one and wait for it to end.
//!
//! A thread shares its parent's memory; `fork` gives the child a copy (copy-on-write: the page
//! tables are copied, the pages only when written), and the parent must reap it. So starting a
//! process costs more than starting a thread. This example times both: `fork` + `waitpid` of a
//! child that `_exit`s at once, and `thread::spawn` + `join` of a thread that returns at once —
//! the median of many of each — and reports the ratio. Then the cost of a message round trip:
//! 8 bytes to a forked child over one pipe and back over another, against the same to a thread
//! over two `mpsc` channels.
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

use std::os::fd::{AsFd, AsRawFd};
use std::sync::mpsc;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::unistd::{pipe, read, write};

use crate::fork::{fork_child, kill_and_reap};

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

/// Median round trip of 8 bytes to a forked echo child over two pipes, over `runs` trips.
pub fn process_round_trip(runs: usize) -> anyhow::Result<Duration> {
    let (to_child_rx, to_child_tx) = pipe().context("pipe")?;
    let (to_parent_rx, to_parent_tx) = pipe().context("pipe")?;
    let in_fd = to_child_rx.as_raw_fd();
    // The child only reads and writes 8 bytes on a stack buffer: async-signal-safe.
    let child = fork_child(move || {
        let mut buf = [0u8; 8];
        loop {
            match read(in_fd, &mut buf) {
                Ok(8) => {}
                _ => return 0, // cannot read: stop (normally the parent kills this child when done)
            }
            if write(&to_parent_tx, &buf) != Ok(8) {
                return 1;
            }
        }
    })?;
    drop(to_child_rx);
    let mut samples = Vec::with_capacity(runs);
    let mut result = Ok(());
    for i in 0..runs as u64 {
        let start = Instant::now();
        if write(&to_child_tx, &i.to_le_bytes()) != Ok(8) {
            result = Err(anyhow::anyhow!("write to the child failed"));
            break;
        }
        let mut fds = [PollFd::new(to_parent_rx.as_fd(), PollFlags::POLLIN)];
        let mut buf = [0u8; 8];
        if poll(&mut fds, PollTimeout::from(2000u16)) != Ok(1)
            || read(to_parent_rx.as_raw_fd(), &mut buf) != Ok(8)
            || buf != i.to_le_bytes()
        {
            result = Err(anyhow::anyhow!("no echo from the child"));
            break;
        }
        samples.push(start.elapsed());
    }
    drop(to_child_tx);
    kill_and_reap(child)?;
    result?;
    Ok(median(&mut samples))
}

/// Median round trip of a `u64` to an echo thread over two channels, over `runs` trips.
pub fn thread_round_trip(runs: usize) -> Duration {
    let (to_thread, thread_rx) = mpsc::channel::<u64>();
    let (thread_tx, from_thread) = mpsc::channel::<u64>();
    let echo = std::thread::spawn(move || {
        for v in thread_rx {
            if thread_tx.send(v).is_err() {
                break;
            }
        }
    });
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs as u64 {
        let start = Instant::now();
        to_thread.send(i).expect("the echo thread is running");
        let back = from_thread.recv().expect("the echo thread answers");
        samples.push(start.elapsed());
        assert_eq!(back, i);
    }
    drop(to_thread);
    echo.join().expect("the echo thread does not panic");
    median(&mut samples)
}

common::variants! {
    /// The example's one variant: a process and a thread, timed side by side.
    pub enum Cost {
        /// Both starts timed, the ratio reported.
        Timed = "timed": "both timed side by side; the ratio is reported, not judged",
    }
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Cost::Timed = config.variant_of()?;
    let runs = config.pick(101, 1001);
    let process = process_start(runs)?;
    let thread = thread_start(runs);
    let ratio = process.as_secs_f64() / thread.as_secs_f64().max(1e-9);
    let process_rt = process_round_trip(runs)?;
    let thread_rt = thread_round_trip(runs);
    let mut table = TableData::new(
        format!("Start and wait, and a message round trip: medians of {runs}"),
        &["what", "median"],
    );
    table.row(["fork + waitpid (a process)".to_string(), human(process)]);
    table.row(["thread::spawn + join (a thread)".to_string(), human(thread)]);
    table.row([
        "8-byte round trip over two pipes (a process)".to_string(),
        human(process_rt),
    ]);
    table.row([
        "u64 round trip over two mpsc channels (a thread)".to_string(),
        human(thread_rt),
    ]);
    Ok(config
        .outcome(Verdict::Showed)
        .line(format!(
            "Starting a process and reaping it took {} (median); a thread, {}: about {}.",
            human(process),
            human(thread),
            common::format::ratio(ratio)
        ))
        .table(table)
        .key_figure("process / thread start cost", ratio, "x")
        .figure("process start+reap", process.as_secs_f64() * 1e6, "µs")
        .figure("thread spawn+join", thread.as_secs_f64() * 1e6, "µs")
        .figure("process round trip", process_rt.as_secs_f64() * 1e6, "µs")
        .figure("thread round trip", thread_rt.as_secs_f64() * 1e6, "µs")
        .notice("a process buys isolation with a copied address space; that costs at every start"))
}
