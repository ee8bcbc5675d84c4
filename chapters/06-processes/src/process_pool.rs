//! A pool of worker processes fed tasks over one pipe, stopped by poison pills — the book's
//! `Chapter06/example8.py` with processes, and the same work on threads beside it.
//!
//! The parent forks `--threads` workers. All read tasks (8-byte numbers) from one shared pipe
//! and write results (16 bytes: the number and whether it is prime) into one shared pipe. Writes
//! of at most `PIPE_BUF` bytes are atomic and every read asks for exactly one record, so records
//! never interleave. After the tasks the parent writes one poison pill (`u64::MAX`) per worker:
//! a worker that reads one exits 0. The parent collects one result per task (polling with the
//! time left: `common::process::DeadlineReader`), checks each against a local primality test, and reaps every worker.
//!
//! The children compute with integers on the stack and call only `read`, `write` and `_exit`:
//! async-signal-safe, as a child forked from a multi-threaded process must be.
//!
//! Run: `cargo run -p chapter-6 -- run process-pool [--variant threads] [--threads N]`. Expect
//! every task answered once and correctly, and every worker gone.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::process::DeadlineReader;
use common::{Outcome, RunConfig, Verdict};
use nix::sys::wait::WaitStatus;
use nix::unistd::{pipe, read, write};

use crate::fork::{fork_child, kill_and_reap};
use crate::wait_timeout::wait_timeout;

/// The book's tasks (`Chapter06/example8.py`): primality of these numbers, as in chapter 20.
pub const TASKS: [u64; 10] = common::book::PRIMALITY_NUMBERS;

const PILL: u64 = u64::MAX;

/// Trial division: no allocation, safe in a forked child.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// What the pool returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRun {
    /// (task, is prime) in the order the results arrived.
    pub results: Vec<(u64, bool)>,
    /// Every worker exited 0 after its pill, and was reaped.
    pub workers_exited: bool,
}

impl PoolRun {
    /// Every task answered exactly once, correctly, and every worker exited cleanly.
    pub fn correct(&self, tasks: &[u64]) -> bool {
        let mut got = self.results.clone();
        got.sort_unstable();
        let mut want: Vec<(u64, bool)> = tasks.iter().map(|&n| (n, is_prime(n))).collect();
        want.sort_unstable();
        self.workers_exited && got == want
    }
}

/// Runs `tasks` on `workers` forked processes; gives up at `budget` (kills and reaps).
pub fn on_processes(tasks: &[u64], workers: usize, budget: Duration) -> anyhow::Result<PoolRun> {
    let deadline = Instant::now() + budget;
    let (task_rx, task_tx) = pipe().context("pipe")?;
    let (result_rx, result_tx) = pipe().context("pipe")?;
    let task_fd = task_rx.as_raw_fd();
    let mut children = Vec::new();
    for _ in 0..workers {
        let result_tx = result_tx.try_clone().context("dup")?;
        children.push(fork_child(move || {
            let mut buf = [0u8; 8];
            loop {
                if read(task_fd, &mut buf) != Ok(8) {
                    return 1;
                }
                let n = u64::from_le_bytes(buf);
                if n == PILL {
                    return 0;
                }
                let mut record = [0u8; 16];
                record[..8].copy_from_slice(&buf);
                record[8] = u8::from(is_prime(n));
                // 16 bytes: less than PIPE_BUF, so the write is atomic on a pipe.
                if write(&result_tx, &record) != Ok(16) {
                    return 1;
                }
            }
        })?);
    }
    drop(task_rx);
    drop(result_tx);
    for &n in tasks.iter().chain(std::iter::repeat_n(&PILL, workers)) {
        write(&task_tx, &n.to_le_bytes()).context("writing a task")?;
    }
    let mut results = Vec::with_capacity(tasks.len());
    let mut result_rx = DeadlineReader::new(result_rx, deadline);
    while results.len() < tasks.len() {
        let mut record = [0u8; 16];
        // Every record was written whole (atomic), so a short read means the workers are gone.
        if result_rx.read_exact(&mut record).is_err() {
            break;
        }
        let n = u64::from_le_bytes(record[..8].try_into().expect("8 bytes"));
        results.push((n, record[8] == 1));
    }
    let mut workers_exited = true;
    for child in children {
        let left = deadline.saturating_duration_since(Instant::now());
        match wait_timeout(child, left)? {
            Some(WaitStatus::Exited(_, 0)) => {}
            Some(_) => workers_exited = false,
            None => {
                kill_and_reap(child)?;
                workers_exited = false;
            }
        }
    }
    Ok(PoolRun {
        results,
        workers_exited,
    })
}

/// The same work on threads: a shared queue (a channel), poison pills, results on a channel.
pub fn on_threads(tasks: &[u64], workers: usize) -> PoolRun {
    let (task_tx, task_rx) = crossbeam_channel::unbounded::<u64>();
    let (result_tx, result_rx) = crossbeam_channel::unbounded::<(u64, bool)>();
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (task_rx, result_tx) = (task_rx.clone(), result_tx.clone());
            std::thread::spawn(move || {
                for n in task_rx {
                    if n == PILL {
                        return;
                    }
                    let _ = result_tx.send((n, is_prime(n)));
                }
            })
        })
        .collect();
    drop(result_tx);
    for &n in tasks.iter().chain(std::iter::repeat_n(&PILL, workers)) {
        let _ = task_tx.send(n);
    }
    let results: Vec<_> = result_rx.iter().collect();
    let workers_exited = handles.into_iter().all(|h| h.join().is_ok());
    PoolRun {
        results,
        workers_exited,
    }
}

common::variants! {
    /// What the pool's workers are.
    pub enum Workers {
        /// Forked worker processes.
        Processes = "processes": "forked workers; tasks and results are fixed-size records on shared pipes",
        /// Threads in this process.
        Threads = "threads": "the same on threads over channels",
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let (what, r) = match config.variant_of::<Workers>()? {
        Workers::Threads => ("threads", on_threads(&TASKS, config.threads)),
        Workers::Processes => (
            "worker processes",
            on_processes(&TASKS, config.threads, config.budget())?,
        ),
    };
    let took = start.elapsed();
    let ok = r.correct(&TASKS);
    let primes: Vec<u64> = r.results.iter().filter(|r| r.1).map(|r| r.0).collect();
    Ok(config.outcome(Verdict::from(ok))
        .line(format!(
            "{} {what} took the book's {} tasks from one queue, then one poison pill each; {} results came back in {}: primes {}.",
            config.threads,
            TASKS.len(),
            r.results.len(),
            common::timing::human(took),
            primes.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
        ))
        .line(format!(
            "Every result correct and every worker exited after its pill: {}.",
            common::format::yes_no(ok)
        ))
        .count("tasks answered", r.results.len(), "tasks").as_key()
        .notice("one poison pill per worker: each worker stops after taking exactly one"))
}
