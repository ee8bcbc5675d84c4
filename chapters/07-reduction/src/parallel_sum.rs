//! Parallel reduction of a sum: the book's pairwise tree through queues, then a large array
//! summed sequentially, by a hand-made tree of scoped threads, and by rayon.
//!
//! A reduction folds many values into one with a binary operator. Because `+` is associative,
//! the values can be added in pairs, and the pair sums in pairs again: a tree of `log2(n)` rounds
//! whose pairs within a round are independent, so they can run in parallel.
//!
//! Variant `book` mirrors `Chapter07/example1.py`: each round the previous round's results become
//! the task queue; `consumers` workers each take two numbers and put their sum (or a lone
//! leftover) on the next results queue; one `None` sentinel per consumer ends the round. The
//! book's processes become threads here, because Rust threads run in parallel (there is no GIL
//! to escape). The queue and the threads come from `common::sync`, so the model checker runs the
//! same code (`tests/model_check.rs`). Input `0..20`: "Final result: 190".
//!
//! Variant `large` times a reduction over millions of `u64` (50 M in full runs, 10 M quick):
//! sequential, [`tree_reduce`] (exercise 7.1) over scoped threads, and rayon's `reduce`. A plain
//! sum is memory-bandwidth bound (one add per 8 bytes loaded), so two cores barely beat one; the
//! timed reduction therefore sums a cheap hash of each element ([`mix`]), a few multiplies per
//! element, which is compute bound and scales with the cores. The plain sum is timed too, to
//! show the difference.
//!
//! `large` then sweeps the tree over 1, 2, … `--threads` threads and sets each sum's speedup over
//! one thread beside Amdahl's law. The serial fraction the law needs is estimated from the hashed
//! sum itself (Karp–Flatt: the fraction that explains its speedup on as many threads as there are
//! cores); the prediction is shown for n processors and for this machine's cores. The plain sum
//! usually falls below it: memory bandwidth is shared by the cores, a limit Amdahl's law does not
//! model. The outcome carries the chart as `chapter-7-parallel-sum-large` for `cargo xtask bench`.
//!
//! The reporting (the timings table, the sweep's table and chart) is in [`report`], so this
//! file reads as the lesson: the reductions, how they are timed, and the run.
//!
//! Run: `cargo run --release -p chapter-7 -- run parallel-sum --variant large`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use common::sync::{Mutex, lock, spawn_named};
use common::timing::{Spread, speedup, spread_of};
use common::{Outcome, RunConfig, Verdict, format};
use rayon::prelude::*;

use crate::tree_reduce::tree_reduce;

pub mod report;
use report::{Sweep, SweepPoint, timings_table};

common::variants! {
    /// How much is summed.
    pub enum Scale {
        /// The book's 0..20, in rounds through the queues.
        Book = "book": "rounds of pairwise sums: consumer threads take two numbers from the task queue, put the sum on the next",
        /// Millions of numbers, timed.
        Large = "large": "millions of u64: plain sums (memory bound) and hashed sums (compute bound), timed with speedups",
    }
}

/// One round's task queue: numbers, then one `None` sentinel per consumer (the book's queue).
type TaskQueue = Mutex<VecDeque<Option<u64>>>;

/// The body of one of the book's consumers: take two numbers, put `op` of them on `results`;
/// a lone number before the sentinel is passed on as it is. Ends at its sentinel.
fn consume(tasks: &TaskQueue, results: &Mutex<Vec<u64>>, op: fn(u64, u64) -> u64) {
    loop {
        // Both numbers are taken under one lock. The book calls `task_queue.get()` twice; with
        // two separate takes, two consumers could each grab one of the last two numbers and
        // both pass them on unpaired, so a round would not shrink and the rounds never end.
        let (first, second) = {
            let mut queue = lock(tasks);
            let first = queue.pop_front().flatten();
            let second = if first.is_some() {
                queue.pop_front().flatten()
            } else {
                None
            };
            (first, second)
        };
        match (first, second) {
            (Some(a), Some(b)) => lock(results).push(op(a, b)),
            (Some(a), None) => {
                // The second item was our sentinel: pass the leftover on and stop.
                lock(results).push(a);
                return;
            }
            (None, _) => return,
        }
    }
}

/// The book's reduction: rounds of pairwise `op` through queues with `consumers` threads, until
/// one value is left. Returns the final value (`None` for no input) and every round's results.
pub fn queue_reduce(
    values: Vec<u64>,
    consumers: usize,
    op: fn(u64, u64) -> u64,
) -> (Option<u64>, Vec<Vec<u64>>) {
    let consumers = consumers.max(1);
    let mut rounds = Vec::new();
    let mut current = values;
    while current.len() > 1 {
        let mut queue: VecDeque<Option<u64>> = current.iter().copied().map(Some).collect();
        queue.extend(std::iter::repeat_n(None, consumers));
        let tasks = Arc::new(Mutex::new(queue));
        let results = Arc::new(Mutex::new(Vec::with_capacity(current.len() / 2 + 1)));
        let threads: Vec<_> = (0..consumers)
            .map(|i| {
                let tasks = Arc::clone(&tasks);
                let results = Arc::clone(&results);
                spawn_named(format!("consumer {i}"), move || {
                    consume(&tasks, &results, op);
                })
            })
            .collect();
        for t in threads {
            t.join().expect("consumer panicked");
        }
        current = std::mem::take(&mut *lock(&results));
        rounds.push(current.clone());
    }
    (current.pop(), rounds)
}

/// A cheap hash of one element (four rounds of SplitMix64's finalizer): a dozen multiplies and
/// shifts, enough work per element that summing the hashes is compute bound rather than memory
/// bound.
pub fn mix(x: u64) -> u64 {
    let mut z = x;
    for _ in 0..4 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

/// Wrapping addition: the reduction operator of the large sums (associative and commutative).
pub fn add(a: u64, b: u64) -> u64 {
    a.wrapping_add(b)
}

/// The timings of one way of reducing the large array.
#[derive(Debug, Clone)]
pub struct Timed {
    /// What was reduced and how.
    pub name: &'static str,
    /// Median of three runs.
    pub time: Duration,
    /// The three runs' fastest, median and slowest (the chart draws the spread).
    pub runs: Spread,
    /// The result (all ways must agree).
    pub result: u64,
}

fn timed(name: &'static str, mut work: impl FnMut() -> u64) -> Timed {
    let mut result = 0;
    let runs = spread_of(3, || result = std::hint::black_box(work()));
    Timed {
        name,
        time: runs.median,
        runs,
        result,
    }
}

/// Times the large reductions of `data` on `threads` threads: plain sums, then hashed sums.
pub fn measure_large(data: &[u64], threads: usize) -> Vec<Timed> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool");
    vec![
        // The sequential baselines run the parallel code on one worker, so a speedup compares
        // the same compiled loop and measures the cores, not a difference in code generation.
        timed("plain sum, sequential", || {
            tree_reduce(data, 1, add).unwrap_or(0)
        }),
        timed("plain sum, tree of scoped threads", || {
            tree_reduce(data, threads, add).unwrap_or(0)
        }),
        timed("plain sum, rayon sum", || {
            pool.install(|| data.par_iter().copied().reduce(|| 0, add))
        }),
        timed("hashed sum, sequential", || hashed_tree(data, 1)),
        timed("hashed sum, tree of scoped threads", || {
            hashed_tree(data, threads)
        }),
        timed("hashed sum, rayon map + reduce", || {
            pool.install(|| data.par_iter().map(|&x| mix(x)).reduce(|| 0, add))
        }),
    ]
}

/// The hashed sum with exercise 7.1's tree: each chunk maps and sums on its own scoped thread,
/// then the partial sums are combined pairwise.
fn hashed_tree(data: &[u64], threads: usize) -> u64 {
    let chunk = data.len().div_ceil(threads.max(1)).max(1);
    let partials: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|&x| mix(x)).fold(0, add)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("leaf panicked"))
            .collect()
    });
    tree_reduce(&partials, threads, add).unwrap_or(0)
}

/// Times the tree's plain and hashed sums of `data` on 2..`threads` threads (the counts between
/// the ones [`measure_large`] timed) and returns the whole sweep 1..=`threads`, reusing
/// `timings` for one thread and for `threads`. Fails if any sum disagrees with one thread's.
pub fn sweep_large(data: &[u64], threads: usize, timings: &[Timed]) -> anyhow::Result<Sweep> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut points = vec![SweepPoint {
        threads: 1,
        plain: timings[0].time,
        hashed: timings[3].time,
    }];
    let mut runs = vec![(timings[0].runs, timings[3].runs)];
    for n in 2..threads {
        let plain = timed("plain", || tree_reduce(data, n, add).unwrap_or(0));
        let hashed = timed("hashed", || hashed_tree(data, n));
        anyhow::ensure!(
            plain.result == timings[0].result && hashed.result == timings[3].result,
            "the sums on {n} threads differ from one thread's"
        );
        points.push(SweepPoint {
            threads: n,
            plain: plain.time,
            hashed: hashed.time,
        });
        runs.push((plain.runs, hashed.runs));
    }
    if threads > 1 {
        points.push(SweepPoint {
            threads,
            plain: timings[1].time,
            hashed: timings[4].time,
        });
        runs.push((timings[1].runs, timings[4].runs));
    }
    Ok(Sweep::new(points, cores).with_runs(runs))
}

/// Runs the example: `book` (the queue rounds over 0..20) or `large` (timed).
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Scale>()? {
        Scale::Book => run_book(config),
        Scale::Large => run_large(config),
    }
}

fn run_book(config: &RunConfig) -> anyhow::Result<Outcome> {
    let (result, rounds) = queue_reduce((0..20).collect(), config.threads, add);
    let result = result.unwrap_or(0);
    let mut outcome = config.outcome(Verdict::from(result == 190)).line(format!(
        "0..20 reduced in rounds of pairwise sums by {} consumer threads:",
        config.threads
    ));
    for (i, round) in rounds.iter().enumerate() {
        outcome = outcome.line(format!("  round {}: {round:?}", i + 1));
    }
    Ok(outcome
        .line(format!("Final result: {result}."))
        .key_figure("final result", result as f64, "")
        .count("rounds", rounds.len(), "")
        .notice("the order within a round varies from run to run; the sum does not, because + is associative and commutative"))
}

fn run_large(config: &RunConfig) -> anyhow::Result<Outcome> {
    let n = config.pick(10_000_000, 50_000_000);
    let threads = config.threads;
    let data: Vec<u64> = (0..n).collect();
    let timings = measure_large(&data, threads);
    let sweep = sweep_large(&data, threads, &timings)?;
    drop(data);
    let agree = |from: usize| {
        timings[from..from + 3]
            .iter()
            .all(|t| t.result == timings[from].result)
    };
    let all_agree = agree(0) && agree(3);
    let table = timings_table(n, threads, &timings);
    // The tree runs the sequential row's own code on more threads: its ratio is the cores' doing.
    // rayon's map + reduce compiles to a different inner loop, so its ratio over the sequential
    // row mixes code generation with parallelism (it can exceed the core count): reported, not
    // used as the headline.
    let tree_hashed = speedup(timings[3].time, timings[4].time);
    let tree_plain = speedup(timings[0].time, timings[1].time);
    let mut outcome = config.outcome(Verdict::from(all_agree))
        .table(table)
        .table(sweep.table())
        .plot(sweep.plot(Scale::Large))
        .line(format!(
            "all three ways agree: {} (plain sum {}, hashed sum {})",
            format::yes_no(all_agree),
            format::count(timings[0].result),
            format::count(timings[3].result)
        ))
        .line("the sequential rows run the tree's own code on one worker; rayon's inner loop is compiled differently, so its ratio can exceed the cores")
        .line(sweep.fit.describe())
        .line("Amdahl's law is fitted to the hashed sum (compute bound); a plain sum below that curve hit the memory bandwidth, which the cores share")
        .key_figure("hashed sum speedup", tree_hashed, "x")
        .figure("plain sum speedup", tree_plain, "x")
        .figure("serial fraction (Karp–Flatt)", sweep.fit.serial, "");
    if sweep.points.iter().any(|p| p.threads == 2) {
        outcome = outcome.figure(
            "hashed sum speedup on 2 threads",
            sweep.hashed_speedup(2),
            "x",
        );
    }
    Ok(outcome.notice("a plain sum is memory bound, so its scaling depends on memory bandwidth; give each element some work and the tree scales with the cores"))
}
