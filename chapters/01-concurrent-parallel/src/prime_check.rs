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
//! - `processes`: `--threads` forked worker processes, as the book uses a process pool
//!   ([`crate::process_pool`]). The parent puts every job (a number's index, 4 bytes) into one
//!   shared *job pipe*; each child reads the next job from it, tests that number, and writes each
//!   prime it finds into its own result pipe as 8 bytes, until the job pipe is empty; then it
//!   `_exit`s. The parent reads the result pipes (with `poll`, never past the time budget) and
//!   reaps the children with `waitpid`. Like the book's pool, a child that drew cheap numbers
//!   comes back for more. Dealing the numbers out at fork instead (child k taking every k-th
//!   number) fails with 2 children, because that is parity: 10^13 is even, so child 0 would get
//!   every even number, child 1 all 16 primes, and the run would be no faster than sequential.
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

use std::time::Duration;

use anyhow::Context;
use common::format;
use common::timing::{human, median_of, speedup, spread_of};
use common::{Outcome, RunConfig, Verdict};
use rayon::prelude::*;

use crate::prime_check_report::{Sweep, alternate, cores, share_table, speedup_caveats};
use crate::primes::{self, BOOK_COUNT, BOOK_PRIMES, BOOK_START, is_prime};
use crate::process_pool::primes_processes;
use crate::split::primes_split;
use crate::work_index::WorkIndex;

common::variants! {
    /// One way of running the prime check.
    pub enum Method {
        /// One thread, every number.
        Sequential = "sequential": "one thread tests every number (the baseline)",
        /// Scoped threads, one contiguous chunk each.
        Split = "split": "one contiguous chunk per scoped thread (exercise 1.1): uneven work",
        /// Worker threads claiming numbers from a shared atomic index.
        Threads = "threads": "a pool of worker threads claiming numbers from a shared atomic index (exercise 1.2)",
        /// Rayon's work-stealing pool.
        Rayon = "rayon": "rayon's work-stealing pool",
        /// Forked worker processes, results through pipes.
        Processes = "processes": "forked worker processes, primes sent back through pipes (the book's process pool)",
    }
}

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

/// The rayon pool `method` times on, built ahead of the timing; `None` for the other methods.
fn rayon_pool_for(method: Method, workers: usize) -> anyhow::Result<Option<rayon::ThreadPool>> {
    Ok(match method {
        Method::Rayon => Some(rayon_pool(workers)?),
        Method::Sequential | Method::Split | Method::Threads | Method::Processes => None,
    })
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let method = config.variant_of::<Method>()?;
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
            .duration("sequential time", seq_time).as_key()
            .count("primes", seq_primes.len(), "primes")
            .count("cores available", cores, "cores")
            .notice("one core does all the work while the others idle: the baseline every parallel variant is measured against"));
    }

    // Built outside the timed region: the pool's start-up is not the work being compared.
    let pool = rayon_pool_for(method, workers)?;
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
            Method::Sequential | Method::Split | Method::Processes => {
                match primes_with(method, &numbers, workers, config.budget()) {
                    Ok(p) => par_primes = p,
                    Err(e) => error = Some(e),
                }
            }
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
        let pool = rayon_pool_for(method, n)?;
        let mut failed = None;
        let took = spread_of(sweep_runs, || {
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
    times.push((workers, timed.parallel_runs));
    let sweep = Sweep::from_times(&times, cores);

    let same = seq_primes.len() == expected && par_primes == seq_primes && sweep_agrees;
    // The verdict is the fact (every worker count found the book's primes); the speedup is a
    // measurement, and on a shared virtual machine it can fail to come even with both vCPUs
    // busy (CPU time says so), when the host runs other work on the same physical cores. The
    // output says when that happened.
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
            "Sequential {}, {} {} (medians of {runs}): {} faster, on {} available.",
            human(seq_time),
            config.variant,
            human(par_time),
            format::ratio(gain),
            format::counted(cores, "cores")
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
        .plot(sweep.plot(config))
        .key_figure("speedup", gain, "x")
        .duration("sequential time", seq_time)
        .duration("parallel time", par_time)
        .count("primes", par_primes.len(), "primes")
        .count("workers", workers, "workers")
        .count("cores available", cores, "cores")
        .figure("cores busy (parallel)", timed.parallel_cores, "cores")
        .figure("cores busy (sequential)", timed.sequential_cores, "cores")
        .figure("serial fraction (Karp–Flatt)", sweep.fit.serial, "");
    if let Some(two) = sweep.points.iter().find(|p| p.workers == 2) {
        outcome = outcome.figure("speedup on 2 workers (over 1)", two.speedup, "x");
    }
    outcome = speedup_caveats(outcome, gain, &timed, cores, workers);
    if let Some(run) = last_pool_run {
        outcome = outcome.table(share_table(&run.jobs, &run.primes_found));
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
