//! The book's opening contrast: a CPU-bound job run sequentially, then in parallel.
//!
//! `Chapter01/example1.py` tests the 500 integers from 10^13 for primality by trial division (16
//! are prime), one after the other, then with a `ProcessPoolExecutor(max_workers=20)` — one job
//! per number — and prints both times (0.74 s and 0.64 s on 2 vCPUs). Here the same job runs
//! five ways, each against the sequential baseline (5 runs of each, alternating, and the medians):
//!
//! - `sequential`: one thread tests every number.
//! - `split`: `--threads` scoped threads, each testing one contiguous chunk (exercise 1.1).
//!   Correct, but the chunks cost very different amounts (the primes are nearly all the work),
//!   so the thread with the most primes finishes last and the others idle.
//! - `threads`: a pool of `--threads` worker threads that claim numbers one at a time from a
//!   shared atomic index (exercise 1.2): the book's pool, with threads. A worker that drew cheap
//!   numbers comes back for more, so the load balances itself.
//! - `rayon`: the same with rayon's work-stealing pool (`--threads` workers).
//! - `processes`: `--threads` forked worker processes, as the book uses a process pool. The
//!   parent puts every job (a number's index, 4 bytes) into one shared *job pipe*; each child
//!   reads the next job from it, tests that number, and writes each prime it finds into its own
//!   result pipe as 8 bytes, until the job pipe is empty; then it `_exit`s. The parent reads the
//!   result pipes (with `poll`, never past the time budget) and reaps the children with
//!   `waitpid`. The approach of chapter 20's `across_processes.rs`. Like the book's pool, a child
//!   that drew cheap numbers comes back for more. A first version dealt the numbers out at
//!   fork instead (child k took every k-th number), and with 2 children that is parity: 10^13
//!   is even, so child 0 got every even number, child 1 all 16 primes, and the run was no
//!   faster than sequential.
//!
//! Each parallel variant prints its time, the speedup over sequential and the cores available
//! (`std::thread::available_parallelism`); expect close to 2x on 2 cores for `threads`, `rayon`
//! and `processes`, less for `split`, and every variant finding the same primes. The workload
//! is fixed (the shared CLI has no `--count`): the book's 500 numbers in full runs, the first
//! 300 (10 primes) with `--quick`.
//!
//! Then each parallel variant sweeps its worker count, 1, 2, … `--threads`, and sets the speedup
//! over its own one-worker run beside Amdahl's law (chapter 2's subject, met here first). The
//! serial fraction `s` the law needs is estimated from the run itself (the Karp–Flatt metric: the
//! `s` that would explain the speedup measured on as many workers as there are cores), and the
//! prediction is drawn twice: for n processors, and for this machine's cores, so that on 2 cores
//! the knee at 2 workers shows. The outcome carries the chart as
//! `chapter-1-prime-check-<variant>`, which `cargo xtask bench` draws as an SVG.
//!
//! Run: `cargo run --release -p chapter-1 -- run prime-check --variant threads --threads 2`.

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::timing::{SerialFit, human, median_of, speedup, time};
use common::{Outcome, Plot, RunConfig, TableData, Verdict};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, close, fork, pipe, read, write};
use rayon::prelude::*;

use crate::primes::{self, BOOK_COUNT, BOOK_PRIMES, BOOK_START, is_prime};
use crate::split::primes_split;
use crate::work_index::WorkIndex;

/// How many numbers `--quick` tests: the first 300 of the book's range.
pub const QUICK_COUNT: u64 = 300;

/// How many of the first [`QUICK_COUNT`] numbers are prime.
pub const QUICK_PRIMES: usize = 10;

/// How many runs each timing is the median of in a full run. The sequential and parallel runs
/// alternate, so a burst of load from elsewhere on the machine hits both alike.
const RUNS: usize = 5;

/// How many runs each timing is the median of with `--quick` (the tour); the worker-count sweep
/// then times each count once.
const QUICK_RUNS: usize = 3;

/// The Karp–Flatt metric, from `common` (the tests reach it here).
pub use common::timing::karp_flatt;

/// One worker count of a variant's sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// Workers.
    pub workers: usize,
    /// Median time on that many workers.
    pub time: Duration,
    /// The one-worker time over this time (1.0 on one worker).
    pub speedup: f64,
}

/// A sweep over 1..=N workers and Amdahl's law fitted to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// One point per worker count, one worker first.
    pub points: Vec<SweepPoint>,
    /// The serial fraction that explains the speedup on the most workers with a core each, and
    /// Amdahl's predictions from it.
    pub fit: SerialFit,
}

impl Sweep {
    /// Builds the sweep from `(workers, time)` pairs, one worker first.
    pub fn from_times(times: &[(usize, Duration)], cores: usize) -> Self {
        let one = times.first().map_or(Duration::ZERO, |t| t.1);
        let points: Vec<SweepPoint> = times
            .iter()
            .map(|&(workers, time)| SweepPoint {
                workers,
                time,
                speedup: if workers == 1 {
                    1.0
                } else {
                    speedup(one, time)
                },
            })
            .collect();
        let speedups: Vec<(usize, f64)> = points.iter().map(|p| (p.workers, p.speedup)).collect();
        Self {
            fit: SerialFit::from_speedups(&speedups, cores),
            points,
        }
    }

    /// The sweep as a chart: measured speedup, and Amdahl's law for n processors and for the
    /// cores there are.
    pub fn plot(&self, variant: &str) -> Plot {
        let line = |f: &dyn Fn(&SweepPoint) -> f64| -> Vec<(f64, f64)> {
            self.points
                .iter()
                .map(|p| (p.workers as f64, f(p)))
                .collect()
        };
        Plot::new(
            format!("chapter-1-prime-check-{variant}"),
            format!("Prime check ({variant}): speedup over one worker against Amdahl's law"),
            "threads",
            "speedup (x)",
        )
        .measured("measured speedup", line(&|p| p.speedup))
        .amdahl_lines(
            self.fit.serial,
            &self.points.iter().map(|p| p.workers).collect::<Vec<_>>(),
            self.fit.cores,
        )
    }

    /// The sweep as a table.
    pub fn table(&self, runs: usize) -> TableData {
        let mut table = TableData::new(
            format!(
                "speedup by workers, over one worker ({}), beside Amdahl's law for s = {:.3}",
                if runs == 1 {
                    "one run each; the last row is the comparison's median".to_string()
                } else {
                    format!("median of {runs}")
                },
                self.fit.serial
            ),
            &[
                "workers",
                "time",
                "speedup",
                "Amdahl: n processors",
                format!("Amdahl: {} cores", self.fit.cores).as_str(),
            ],
        );
        for p in &self.points {
            let marked = if p.workers > self.fit.cores {
                " (oversubscribed)"
            } else {
                ""
            };
            table.row([
                format!("{}{marked}", p.workers),
                human(p.time),
                format!("{:.2}x", p.speedup),
                format!("{:.2}x", self.fit.predicted(p.workers)),
                format!("{:.2}x", self.fit.predicted_here(p.workers)),
            ]);
        }
        table
    }
}

/// CPU time used so far by this process (all its threads) and its reaped children, user and
/// system, from `getrusage`.
pub fn cpu_time() -> Duration {
    let of = |who| {
        getrusage(who).map_or(Duration::ZERO, |u| {
            let (user, system) = (u.user_time(), u.system_time());
            let micros =
                (user.tv_sec() + system.tv_sec()) * 1_000_000 + user.tv_usec() + system.tv_usec();
            Duration::from_micros(u64::try_from(micros).unwrap_or(0))
        })
    };
    of(UsageWho::RUSAGE_SELF) + of(UsageWho::RUSAGE_CHILDREN)
}

/// Two alternating timings: the medians, and the cores each side kept busy on average (CPU
/// time over wall time, all runs together).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alternated {
    pub(crate) sequential: Duration,
    pub(crate) parallel: Duration,
    pub(crate) sequential_cores: f64,
    pub(crate) parallel_cores: f64,
}

/// Times `sequential` and `parallel` alternately, `runs` times each (at least once).
pub(crate) fn alternate(
    runs: usize,
    mut sequential: impl FnMut(),
    mut parallel: impl FnMut(),
) -> Alternated {
    let runs = runs.max(1);
    let mut seq = Vec::with_capacity(runs);
    let mut par = Vec::with_capacity(runs);
    let (mut seq_cpu, mut par_cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..runs {
        let before = cpu_time();
        seq.push(time(&mut sequential).1);
        let middle = cpu_time();
        par.push(time(&mut parallel).1);
        seq_cpu += middle.saturating_sub(before);
        par_cpu += cpu_time().saturating_sub(middle);
    }
    let busy = |cpu: Duration, walls: &[Duration]| {
        cpu.as_secs_f64()
            / walls
                .iter()
                .sum::<Duration>()
                .as_secs_f64()
                .max(f64::MIN_POSITIVE)
    };
    let (sequential_cores, parallel_cores) = (busy(seq_cpu, &seq), busy(par_cpu, &par));
    seq.sort();
    par.sort();
    Alternated {
        sequential: seq[runs / 2],
        parallel: par[runs / 2],
        sequential_cores,
        parallel_cores,
    }
}

/// One way of running the prime check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// One thread, every number.
    Sequential,
    /// Scoped threads, one contiguous chunk each.
    Split,
    /// Worker threads claiming numbers from a shared atomic index.
    Threads,
    /// Rayon's work-stealing pool.
    Rayon,
    /// Forked worker processes, results through pipes.
    Processes,
}

impl Method {
    /// The method a variant name stands for.
    pub fn from_variant(variant: &str) -> Self {
        match variant {
            "split" => Self::Split,
            "threads" => Self::Threads,
            "rayon" => Self::Rayon,
            "processes" => Self::Processes,
            _ => Self::Sequential,
        }
    }
}

/// What a pool of worker threads did: the primes found, and each worker's share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRun {
    /// The primes, in input order.
    pub primes: Vec<u64>,
    /// Per worker: the numbers it claimed and tested.
    pub jobs: Vec<usize>,
    /// Per worker: the primes among them (the expensive jobs).
    pub primes_found: Vec<usize>,
}

/// The primes among `numbers`, found by `workers` threads that each claim the next untested
/// number from one shared [`WorkIndex`] until none is left (the book's pool, one job per number).
/// The threads come from `common::sync`, so the model checker can run this too.
pub fn primes_pool(numbers: &[u64], workers: usize) -> PoolRun {
    let index = WorkIndex::new(numbers.len());
    let per_worker: Vec<(usize, Vec<usize>)> = common::sync::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                let index = &index;
                scope.spawn(move || {
                    let mut jobs = 0;
                    let mut found = Vec::new();
                    while let Some(i) = index.claim() {
                        jobs += 1;
                        if is_prime(numbers[i]) {
                            found.push(i);
                        }
                    }
                    (jobs, found)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a pool worker panicked"))
            .collect()
    });
    let mut found: Vec<usize> = per_worker.iter().flat_map(|(_, f)| f.clone()).collect();
    found.sort_unstable();
    PoolRun {
        primes: found.into_iter().map(|i| numbers[i]).collect(),
        jobs: per_worker.iter().map(|(j, _)| *j).collect(),
        primes_found: per_worker.iter().map(|(_, f)| f.len()).collect(),
    }
}

/// The primes among `numbers`, found on `pool` (rayon keeps the input order when collecting).
pub fn primes_rayon(numbers: &[u64], pool: &rayon::ThreadPool) -> Vec<u64> {
    pool.install(|| {
        numbers
            .par_iter()
            .copied()
            .filter(|&n| is_prime(n))
            .collect()
    })
}

/// The most numbers `processes` takes: the parent writes every job (4 bytes each) into the job
/// pipe before forking, so they must fit in its buffer without a reader. 1024 jobs are 4 KiB,
/// one page: the least buffer Linux gives a pipe.
pub const MAX_PROCESS_JOBS: usize = 1024;

/// Forks a child that takes jobs (4-byte little-endian indices into `numbers`) from the job
/// pipe `jobs` until it is empty, tests each number, writes each prime into `write_end` as 8
/// little-endian bytes, and exits (status 0; 1 if a read or write failed; 2 on a torn job).
/// Returns its pid. The parent's copy of `write_end` is closed here, so the parent sees
/// end-of-file once the child is done. The job pipe's write end is closed before any child is
/// forked, so a child that finds the pipe empty sees end-of-file.
#[allow(unsafe_code)]
fn spawn_checker(
    numbers: &[u64],
    jobs: &OwnedFd,
    read_end: &OwnedFd,
    write_end: OwnedFd,
) -> anyhow::Result<Pid> {
    // SAFETY: after `fork` the child has only the calling thread; a lock another thread held
    // (the allocator's, stdout's) stays held forever in the child. So the child calls only
    // async-signal-safe functions and allocates nothing: `close(2)`; `read(2)` into a 4-byte
    // array on the stack; `is_prime`, pure arithmetic on numbers the parent built before the
    // fork; `write(2)` from an 8-byte array on the stack; and `_exit(2)`, which runs no
    // destructors or atexit handlers. It never returns into the caller's code. Children that
    // other threads fork at the same moment may inherit copies of these pipes' write ends; that
    // only delays an end-of-file until they exit (each child exits once the job pipe is empty,
    // and is killed at its parent's deadline if it does not).
    match unsafe { fork() }.context("fork failed")? {
        ForkResult::Child => {
            let _ = close(read_end.as_raw_fd());
            let mut code = 0;
            let mut job = [0u8; 4];
            'jobs: loop {
                // Every job was written with one 4-byte write before the fork, and is read with
                // one 4-byte read, so no two children ever get the same job or half of one.
                match read(jobs.as_raw_fd(), &mut job) {
                    Ok(0) => break,
                    Ok(4) => {}
                    Ok(_) => {
                        code = 2;
                        break;
                    }
                    Err(Errno::EINTR) => continue,
                    Err(_) => {
                        code = 1;
                        break;
                    }
                }
                let Some(&n) = numbers.get(u32::from_le_bytes(job) as usize) else {
                    code = 2;
                    break;
                };
                if is_prime(n) {
                    let bytes = n.to_le_bytes();
                    let mut rest = &bytes[..];
                    while !rest.is_empty() {
                        match write(&write_end, rest) {
                            Ok(k) => rest = &rest[k..],
                            Err(Errno::EINTR) => {}
                            Err(_) => {
                                code = 1;
                                break 'jobs;
                            }
                        }
                    }
                }
            }
            // SAFETY: see above; `_exit` ends the child at once. Nothing of the parent's is
            // dropped or flushed (the `OwnedFd`s are closed by the kernel as the process ends).
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(write_end);
            Ok(child)
        }
    }
}

/// Reaps `child` without blocking past `deadline`: at the deadline it is killed (`SIGKILL`)
/// and then reaped. Returns its exit code, if it exited by itself.
fn reap(child: Pid, deadline: Instant) -> anyhow::Result<Option<i32>> {
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() >= deadline => {
                let _ = kill(child, Signal::SIGKILL); // fails only if it exited meanwhile
                loop {
                    match waitpid(child, None) {
                        Err(Errno::EINTR) => continue,
                        other => {
                            other.context("waitpid failed")?;
                            return Ok(None);
                        }
                    }
                }
            }
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_micros(200)),
            Ok(WaitStatus::Exited(_, code)) => return Ok(Some(code)),
            Ok(_) => return Ok(None),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e).context("waitpid failed"),
        }
    }
}

/// The primes among `numbers`, found by `workers` forked processes that take their jobs from
/// one shared job pipe and send their primes back through one result pipe each. Fails, rather
/// than hangs, if the children are not done within `budget` (they are then killed and reaped),
/// and refuses more than [`MAX_PROCESS_JOBS`] numbers.
pub fn primes_processes(
    numbers: &[u64],
    workers: usize,
    budget: Duration,
) -> anyhow::Result<Vec<u64>> {
    if numbers.len() > MAX_PROCESS_JOBS {
        bail!("the process pool takes at most {MAX_PROCESS_JOBS} numbers");
    }
    let deadline = Instant::now() + budget;
    let workers = workers.max(1);
    // Hand every job out before forking: one 4-byte write each, all fitting in the pipe's
    // buffer. Written while the children ran, they went to whichever child was waiting at that
    // moment: measured, no speedup at all with 2 or 4 children, 1.9x with 3 — by all signs the
    // children took the jobs in turn, and with an even count that is parity again.
    let (jobs, jobs_write) = pipe().context("pipe failed")?;
    for i in 0..numbers.len() {
        let job = u32::try_from(i).context("too many jobs")?.to_le_bytes();
        loop {
            match write(&jobs_write, &job) {
                Ok(4) => break,
                Ok(_) => bail!("a job was written in part"),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e).context("cannot hand out a job"),
            }
        }
    }
    // Closed before forking: no child holds a write end, so an empty pipe reads as end-of-file.
    drop(jobs_write);
    let mut children: Vec<(Pid, File)> = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (read_end, write_end) = pipe().context("pipe failed")?;
        let pid = spawn_checker(numbers, &jobs, &read_end, write_end)?;
        children.push((pid, File::from(read_end)));
    }
    drop(jobs);

    let mut received: Vec<Vec<u8>> = vec![Vec::new(); workers];
    let mut open = vec![true; workers];
    let mut timed_out = false;
    let mut buf = [0u8; 4096];
    while open.iter().any(|&o| o) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let waiting: Vec<usize> = (0..workers).filter(|&k| open[k]).collect();
        let mut fds: Vec<PollFd> = waiting
            .iter()
            .map(|&k| PollFd::new(children[k].1.as_fd(), PollFlags::POLLIN))
            .collect();
        let millis = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
        match poll(&mut fds, PollTimeout::from(millis)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e).context("poll failed"),
        }
        let ready: Vec<usize> = waiting
            .iter()
            .zip(&fds)
            .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
            .map(|(&k, _)| k)
            .collect();
        drop(fds);
        for k in ready {
            // Data or end-of-file (POLLHUP): `read` returns at once either way.
            match (&children[k].1).read(&mut buf) {
                Ok(0) => open[k] = false,
                Ok(n) => received[k].extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context("read failed"),
            }
        }
    }

    let mut failed = Vec::new();
    for (k, (pid, file)) in children.into_iter().enumerate() {
        drop(file);
        if reap(pid, deadline)? != Some(0) {
            failed.push(k);
        }
    }
    if timed_out {
        bail!(
            "the worker processes were not done within {}",
            human(budget)
        );
    }
    if !failed.is_empty() {
        bail!("worker processes {failed:?} did not exit with status 0");
    }
    let mut primes = Vec::new();
    for bytes in received {
        if !bytes.len().is_multiple_of(8) {
            bail!("a worker process sent a partial number");
        }
        primes.extend(
            bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))),
        );
    }
    primes.sort_unstable();
    Ok(primes)
}

/// Runs the prime check by `method` with `workers` workers, once.
pub fn primes_with(
    method: Method,
    numbers: &[u64],
    workers: usize,
    budget: Duration,
) -> anyhow::Result<Vec<u64>> {
    Ok(match method {
        Method::Sequential => primes::primes_sequential(numbers),
        Method::Split => primes_split(numbers, workers),
        Method::Threads => primes_pool(numbers, workers).primes,
        Method::Rayon => {
            let pool = rayon_pool(workers)?;
            primes_rayon(numbers, &pool)
        }
        Method::Processes => primes_processes(numbers, workers, budget)?,
    })
}

fn rayon_pool(workers: usize) -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers.max(1))
        .build()
        .context("cannot build the rayon pool")
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let method = Method::from_variant(config.variant);
    let workers = config.threads;
    let runs = config.pick(QUICK_RUNS, RUNS);
    let sweep_runs = config.pick(1, RUNS);
    let cores = cores();
    let count = config.pick(QUICK_COUNT, BOOK_COUNT);
    let expected = config.pick(QUICK_PRIMES, BOOK_PRIMES);
    let numbers = primes::numbers(BOOK_START, count);
    let workload = format!(
        "the {count} integers from 10^13 ({expected} of them prime{})",
        if config.quick {
            "; the book's 500 without --quick"
        } else {
            ", the book's workload"
        }
    );

    let mut seq_primes = Vec::new();
    if method == Method::Sequential {
        let seq_time = median_of(runs, || seq_primes = primes::primes_sequential(&numbers));
        let seq_ok = seq_primes.len() == expected;
        return Ok(config.outcome(Verdict::from(seq_ok))
            .line(format!(
                "Trial division of {workload}, one after the other on one thread: {} (median of {runs}); {} primes found.",
                human(seq_time),
                seq_primes.len()
            ))
            .line(format!(
                "Nearly all of that time goes into the {} primes: an even number takes one division, a prime about 1.6 million.",
                seq_primes.len()
            ))
            .key_figure("sequential time", seq_time.as_secs_f64(), "s")
            .figure("primes", seq_primes.len() as f64, "primes")
            .figure("cores available", cores as f64, "cores")
            .notice("one core does all the work while the others idle: the baseline every parallel variant is measured against"));
    }

    // Built outside the timed region: the pool's start-up is not the work being compared.
    let pool = if method == Method::Rayon {
        Some(rayon_pool(workers)?)
    } else {
        None
    };
    let mut par_primes = Vec::new();
    let mut last_pool_run = None;
    let mut error = None;
    let timed = alternate(
        runs,
        || seq_primes = primes::primes_sequential(&numbers),
        || match method {
            Method::Threads => {
                let run = primes_pool(&numbers, workers);
                par_primes = run.primes.clone();
                last_pool_run = Some(run);
            }
            Method::Rayon => {
                if let Some(pool) = &pool {
                    par_primes = primes_rayon(&numbers, pool);
                }
            }
            _ => match primes_with(method, &numbers, workers, config.budget()) {
                Ok(p) => par_primes = p,
                Err(e) => error = Some(e),
            },
        },
    );
    if let Some(e) = error {
        return Err(e);
    }
    let (seq_time, par_time) = (timed.sequential, timed.parallel);
    let gain = speedup(seq_time, par_time);

    // The sweep: the same method on 1, 2, ... workers; the last count was timed above.
    let mut times = Vec::with_capacity(workers);
    let mut sweep_agrees = true;
    for n in 1..workers {
        let pool = if method == Method::Rayon {
            Some(rayon_pool(n)?)
        } else {
            None
        };
        let mut failed = None;
        let took = median_of(sweep_runs, || {
            let found = match &pool {
                Some(pool) => Ok(primes_rayon(&numbers, pool)),
                None => primes_with(method, &numbers, n, config.budget()),
            };
            match found {
                Ok(found) => sweep_agrees &= found == seq_primes,
                Err(e) => failed = Some(e),
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        times.push((n, took));
    }
    times.push((workers, par_time));
    let sweep = Sweep::from_times(&times, cores);

    let same = seq_primes.len() == expected && par_primes == seq_primes && sweep_agrees;
    // A speedup needs at least two cores and two workers. Without one, CPU time over wall time
    // tells a busy machine (the OS gave the parallel runs no more CPU than the sequential ones)
    // from shared cores (both busy, no gain); the output says which.
    let can_speed_up = cores >= 2 && workers >= 2;
    let cpu_gain = timed.parallel_cores / timed.sequential_cores.max(f64::MIN_POSITIVE);
    // 1.5, not 1: rayon's idle workers spin a while before sleeping, which is CPU time too.
    let starved = cpu_gain < 1.5;
    // The verdict is the fact (every worker count found the book's primes); the speedup is a
    // measurement. It used to be a verdict too, and on this shared virtual machine it flipped:
    // both vCPUs busy (CPU time says so) and still no gain, when the host ran other work on the
    // same physical cores. The output says when that happened.
    let showed = same;
    let how = match method {
        Method::Split => format!("{workers} scoped threads, one contiguous chunk each"),
        Method::Threads => format!(
            "a pool of {workers} worker threads claiming one number at a time from a shared atomic index"
        ),
        Method::Rayon => format!("rayon's work-stealing pool of {workers} threads"),
        Method::Processes => format!(
            "{workers} forked worker processes taking numbers one at a time from a shared job pipe, primes sent back through pipes"
        ),
        Method::Sequential => unreachable!("handled above"),
    };
    let mut outcome = config.outcome(Verdict::from(showed))
        .line(format!("Trial division of {workload}, by {how}."))
        .line(format!(
            "Sequential {}, {} {} (medians of {runs}): {gain:.2}x faster, on {cores} core{} available.",
            human(seq_time),
            config.variant,
            human(par_time),
            if cores == 1 { "" } else { "s" }
        ))
        .line(format!(
            "CPU time over wall time: the sequential runs kept {:.2} cores busy, the parallel runs {:.2}.",
            timed.sequential_cores, timed.parallel_cores
        ))
        .line(format!(
            "Primes found: {} — {} the sequential check{}.",
            par_primes.len(),
            if same { "the same as" } else { "NOT the same as" },
            if workers > 1 {
                format!(" (on every worker count 1..={workers})")
            } else {
                String::new()
            }
        ))
        .line(format!("{}.", sweep.fit.describe()))
        .table(sweep.table(sweep_runs))
        .plot(sweep.plot(config.variant))
        .key_figure("speedup", gain, "x")
        .figure("sequential time", seq_time.as_secs_f64(), "s")
        .figure("parallel time", par_time.as_secs_f64(), "s")
        .figure("primes", par_primes.len() as f64, "primes")
        .figure("workers", workers as f64, "workers")
        .figure("cores available", cores as f64, "cores")
        .figure("cores busy (parallel)", timed.parallel_cores, "cores")
        .figure("cores busy (sequential)", timed.sequential_cores, "cores")
        .figure("serial fraction (Karp–Flatt)", sweep.fit.serial, "");
    if let Some(two) = sweep.points.iter().find(|p| p.workers == 2) {
        outcome = outcome.figure("speedup on 2 workers (over 1)", two.speedup, "x");
    }
    if can_speed_up && gain <= 1.1 && !starved {
        outcome = outcome.line(format!(
            "No speedup this time although the parallel runs kept {:.2} cores busy: the cores were shared with other work (on a virtual machine, the host's). Run again; `cargo xtask bench` measures the full-size sweep.",
            timed.parallel_cores
        ));
    }
    if can_speed_up && gain <= 1.1 && starved {
        outcome = outcome.line(format!(
            "No speedup this time, and none was possible: the machine is busy, and the OS gave the parallel runs only {cpu_gain:.2}x the CPU of the sequential ones. Run again on an idle machine."
        ));
    }
    if let Some(run) = last_pool_run {
        let mut table = TableData::new(
            "each worker's share (last run)",
            &["worker", "numbers tested", "primes found"],
        );
        for (w, (jobs, found)) in run.jobs.iter().zip(&run.primes_found).enumerate() {
            table.row([w.to_string(), jobs.to_string(), found.to_string()]);
        }
        outcome = outcome.table(table);
    }
    if !can_speed_up {
        outcome = outcome.line(format!(
            "With {workers} worker{} on {cores} core{}, no speedup is possible: run with --threads 2 or more on a machine with 2 or more cores.",
            if workers == 1 { "" } else { "s" },
            if cores == 1 { "" } else { "s" }
        ));
    }
    let notice = match method {
        Method::Split => {
            "equal chunks are not equal work: the chunk with the most primes decides the time"
        }
        Method::Threads => {
            "a worker that drew cheap numbers comes back for more: the shared index balances the load"
        }
        Method::Rayon => {
            "rayon splits the work and idle threads steal from busy ones: the same balance, no hand-written pool"
        }
        Method::Processes => {
            "separate processes share no memory: the numbers are copied at fork; jobs and answers travel as bytes through pipes"
        }
        Method::Sequential => unreachable!("handled above"),
    };
    Ok(outcome.notice(notice))
}
