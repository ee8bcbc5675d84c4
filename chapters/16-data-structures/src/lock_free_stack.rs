//! The lock-free stack at work: a Treiber stack (compare-and-swap, epoch reclamation) against a
//! `Mutex<Vec>` and crossbeam's MPMC queues under the same load — and the ABA problem that
//! makes eager freeing wrong, replayed and counted.
//!
//! The book's "mutex-free" structure (`Chapter16/concurrent_network.py`) avoids locks by copying
//! data; a lock-free structure shares it, and coordinates with atomic compare-and-swap alone.
//! The stack itself is in `treiber_stack.rs` (the one module allowed `unsafe`, and why); the ABA
//! arena in `aba.rs`.
//!
//! Variants:
//! - `compare`: the same load on four structures — the Treiber stack, `Mutex<Vec<u64>>`,
//!   crossbeam-channel's unbounded and bounded channels (its MPMC queues; FIFO, where the others
//!   are LIFO, which this load does not care about). Each thread pushes its own numbered values
//!   and pops one after each push; at the end the popped and left-over values must be exactly
//!   the pushed ones: nothing lost, nothing duplicated. That count is the verdict; the
//!   throughput is reported, noisy on a shared machine: at 1 and `--threads` threads in the
//!   tour, at every count 1..=`--threads` and three times each in a full run, whose chart
//!   (`chapter-16-lock-free-stack`, one line per structure, the runs' median and spread)
//!   `cargo xtask bench` draws;
//! - `aba`: an arena stack without a tag, and the schedule "thread 1 reads head A and next B;
//!   thread 2 pops A, pops B, pushes X into A's freed slot; thread 1's swap wins": a freed slot
//!   is installed as the head and B comes out twice. Shows iff a duplicate is counted;
//! - `tagged`: the same schedule with a generation tag on the head: the stale swap fails, the
//!   pop retries, every value comes out once.
//!
//! Run: `cargo run --release -p chapter-16 -- run lock-free-stack --threads 4`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Outcome, Plot, RunConfig, TableData, Verdict};

use crate::aba;
use crate::bench::run_timed;
use crate::treiber_stack::{Reclaim, TreiberStack};

common::variants! {
    /// What the example runs: the stress comparison, or the ABA schedule with or without a tag.
    pub enum Scene {
        /// The same push/pop load on four structures.
        Compare = "compare": "the same push/pop load on four structures; nothing lost or duplicated",
        /// The ABA schedule on an untagged arena stack.
        Aba = "aba": "an untagged arena stack: a freed, reused slot fools the CAS, a value comes out twice",
        /// The same schedule with a generation tag.
        Tagged = "tagged": "the same schedule with a generation tag: the stale CAS fails",
    }
}

/// Something threads can put values in and take values out of.
pub trait Bag: Send + Sync {
    /// Adds a value.
    fn put(&self, value: u64);
    /// Takes some value, or `None` if empty.
    fn take(&self) -> Option<u64>;
}

impl<R: Reclaim> Bag for TreiberStack<u64, R> {
    fn put(&self, value: u64) {
        self.push(value);
    }
    fn take(&self) -> Option<u64> {
        self.pop()
    }
}

impl Bag for Mutex<Vec<u64>> {
    fn put(&self, value: u64) {
        crate::sync::lock_std(self).push(value);
    }
    fn take(&self) -> Option<u64> {
        crate::sync::lock_std(self).pop()
    }
}

/// A crossbeam channel used as a multi-producer multi-consumer queue.
#[derive(Debug)]
pub struct Queue {
    tx: crossbeam_channel::Sender<u64>,
    rx: crossbeam_channel::Receiver<u64>,
}

impl Queue {
    /// An unbounded queue, or a bounded one of `capacity`.
    pub fn new(capacity: Option<usize>) -> Self {
        let (tx, rx) = match capacity {
            Some(n) => crossbeam_channel::bounded(n),
            None => crossbeam_channel::unbounded(),
        };
        Self { tx, rx }
    }
}

impl Bag for Queue {
    fn put(&self, value: u64) {
        // `try_send`: the bounded queue is sized so it is never full under this load, and a
        // full or disconnected queue must not block a measured thread; the value is then lost
        // and the verdict's count says so.
        let _ = self.tx.try_send(value);
    }
    fn take(&self) -> Option<u64> {
        self.rx.try_recv().ok()
    }
}

/// The structures compared, by name.
pub const STRUCTURES: [&str; 4] = [
    "treiber (epoch)",
    "Mutex<Vec>",
    "channel unbounded",
    "channel bounded",
];

/// Values put in before the threads start, so pops rarely find the structure empty.
pub const PREFILL: u64 = 64;

/// A fresh structure by name (one of [`STRUCTURES`]).
pub fn make(name: &str, threads: usize) -> Arc<dyn Bag> {
    match name {
        "treiber (epoch)" => Arc::new(TreiberStack::<u64>::new()),
        "Mutex<Vec>" => Arc::new(Mutex::new(Vec::<u64>::new())),
        "channel unbounded" => Arc::new(Queue::new(None)),
        _ => Arc::new(Queue::new(Some(PREFILL as usize + threads + 16))),
    }
}

/// What one stress run counted.
#[derive(Debug, Clone, PartialEq)]
pub struct StressRun {
    /// Values pushed (prefill included).
    pub pushed: u64,
    /// Values that never came out.
    pub lost: u64,
    /// Extra copies of values that came out more than once.
    pub duplicated: u64,
    /// Pops that found the structure empty.
    pub empty_pops: u64,
    /// Push-pop pairs per second, all threads together.
    pub pairs_per_second: f64,
}

/// `threads` threads each push `each` numbered values into `bag`, popping one after each push;
/// then everything left is drained and the values counted.
pub fn stress(bag: Arc<dyn Bag>, threads: usize, each: u64) -> anyhow::Result<StressRun> {
    for value in 0..PREFILL {
        bag.put(value);
    }
    let shared = Arc::clone(&bag);
    let timed = run_timed("stack", threads, Duration::from_secs(30), move |me, _| {
        let mut popped = Vec::with_capacity(each as usize);
        let mut empty = 0u64;
        let first = PREFILL + me as u64 * each;
        for value in first..first + each {
            shared.put(value);
            match shared.take() {
                Some(v) => popped.push(v),
                None => empty += 1,
            }
        }
        (popped, empty)
    })?;
    let pushed = PREFILL + threads as u64 * each;
    let mut seen = vec![0u32; pushed as usize];
    let mut empty_pops = 0;
    let mut stray = 0u64;
    let left = std::iter::from_fn(|| bag.take());
    let popped = timed.results.iter().flat_map(|(p, _)| p.iter().copied());
    for value in popped.chain(left) {
        match seen.get_mut(value as usize) {
            Some(count) => *count += 1,
            None => stray += 1,
        }
    }
    for (_, empty) in &timed.results {
        empty_pops += empty;
    }
    let lost = seen.iter().filter(|&&c| c == 0).count() as u64;
    let duplicated = seen
        .iter()
        .map(|&c| u64::from(c.saturating_sub(1)))
        .sum::<u64>()
        + stray;
    Ok(StressRun {
        pushed,
        lost,
        duplicated,
        empty_pops,
        pairs_per_second: timed.per_second(threads as u64 * each),
    })
}

/// The `lock-free-stack` example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Scene>()? {
        Scene::Compare => run_compare(config),
        Scene::Aba => run_aba(config, false),
        Scene::Tagged => run_aba(config, true),
    }
}

/// The id of the chart the `compare` variant attaches (`cargo xtask bench` writes
/// `results/chapter-16-lock-free-stack.svg`).
pub const PLOT_ID: &str = "chapter-16-lock-free-stack";

/// The thread counts `compare` measures: 1 and `--threads` in the tour (a quick look), every
/// count 1..=`--threads` in a full run (the chart's points).
pub fn thread_counts(config: &RunConfig) -> Vec<usize> {
    let max = config.threads.max(1);
    if config.quick {
        let mut counts = vec![1, max];
        counts.dedup();
        counts
    } else {
        (1..=max).collect()
    }
}

/// Runs of every cell in a full `compare` (one in the tour): the table and chart give their
/// median, and the chart the slowest to the fastest.
pub const RUNS: usize = 3;

fn run_compare(config: &RunConfig) -> anyhow::Result<Outcome> {
    compare(
        config,
        &thread_counts(config),
        config.pick(300_000, 1_000_000),
    )
}

/// The `compare` variant of `config`'s run: every structure under the same load at each of
/// `counts` threads (ascending), `each` push + pop pairs per thread, [`RUNS`] times in a full
/// run. One table of medians, and a chart of throughput by threads with one line per structure
/// and each cell's spread ([`PLOT_ID`]). The verdict: nothing lost or duplicated.
pub fn compare(config: &RunConfig, counts: &[usize], each: u64) -> anyhow::Result<Outcome> {
    let counts: Vec<usize> = if counts.is_empty() {
        vec![1]
    } else {
        counts.iter().map(|&n| n.max(1)).collect()
    };
    let threads = counts.iter().copied().max().unwrap_or(1);
    let runs = config.pick(1, RUNS);
    let mut header = vec!["structure".to_string()];
    header.extend(counts.iter().map(|n| format!("{n} thr (M pairs/s)")));
    header.extend(["lost", "duplicated"].map(String::from));
    let mut table = TableData {
        title: format!(
            "push + pop pairs, {} per thread, each cell {}, every value counted after each run",
            common::format::count(each),
            if runs == 1 {
                "one run".to_string()
            } else {
                format!("the median of {runs} runs")
            }
        ),
        header,
        rows: Vec::new(),
    };
    let mut plot = Plot::new(
        PLOT_ID,
        format!(
            "push + pop pairs by threads, {} per thread: lock-free vs locked vs queues",
            common::format::count(each)
        ),
        "threads",
        "million push + pop pairs per second",
    )
    .subtitle(if runs == 1 {
        "each point one run".to_string()
    } else {
        format!("each point the median of {runs} runs, its error bar the slowest to the fastest")
    })
    .cores_marker(std::thread::available_parallelism().map_or(1, usize::from));
    let mut outcome = config.outcome(Verdict::Showed);
    let mut intact = true;
    for name in STRUCTURES {
        let mut row = vec![name.to_string()];
        let mut points = Vec::new();
        let (mut lost, mut duplicated) = (0, 0);
        let mut spread = Vec::new();
        for &n in &counts {
            let mut rates = Vec::with_capacity(runs);
            for _ in 0..runs {
                let run = stress(make(name, n), n, each)?;
                lost += run.lost;
                duplicated += run.duplicated;
                rates.push(run.pairs_per_second / 1e6);
            }
            let (value, range) = common::plot::median_and_spread(rates);
            row.push(format!("{value:.2}"));
            points.push((n as f64, value));
            spread.push(range);
            if n == threads {
                let figure = format!("{name} at {threads} threads");
                outcome = if name.starts_with("treiber") {
                    outcome.key_figure(figure, value, "M pairs/s")
                } else {
                    outcome.figure(figure, value, "M pairs/s")
                };
            }
        }
        plot = match runs {
            1 => plot.measured(name, points),
            _ => plot.measured_with_spread(
                name,
                points,
                spread,
                format!("slowest to fastest of {runs} runs"),
            ),
        };
        intact &= lost == 0 && duplicated == 0;
        row.push(common::format::count(lost));
        row.push(common::format::count(duplicated));
        table.rows.push(row);
    }
    outcome.verdict = Verdict::from(intact);
    Ok(outcome
        .table(table)
        .plot(plot)
        .line(format!(
            "every value pushed came out exactly once, in every structure: {}",
            if intact { "yes" } else { "NO" }
        ))
        .notice(
            "lock-free is not free: every push and pop still fights over one head pointer (one \
             cache line); its wins are no blocking and no convoy behind a preempted lock holder",
        ))
}

/// The `aba` variant, or with `tagged` the `tagged` one.
fn run_aba(config: &RunConfig, tagged: bool) -> anyhow::Result<Outcome> {
    let run = aba::scripted(tagged)?;
    let order: String = run
        .popped
        .iter()
        .map(|&v| aba::name(v).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let showed = if tagged {
        run.duplicates == 0 && run.lost == 0 && !run.stale_swap_won
    } else {
        run.duplicates > 0 || run.lost > 0
    };
    let outcome = config
        .outcome(Verdict::from(showed))
        .count("duplicated pops", run.duplicates, "values")
        .as_key()
        .count("lost values", run.lost, "values")
        .line(format!(
            "stack A, B, C ({} head); thread 1 reads head = A, next = B, and pauses",
            if tagged { "tagged" } else { "untagged" }
        ))
        .line("thread 2 pops A, pops B (their slots freed), pushes X — which reuses A's slot")
        .line(format!(
            "thread 1's swap head: A → B {}",
            if run.stale_swap_won {
                "SUCCEEDED: the head is a freed slot"
            } else {
                "failed (the tag moved on); it retried from the real head"
            }
        ))
        .line(format!(
            "popped, in order: {order} — {} duplicated, {} lost",
            run.duplicates, run.lost
        ));
    Ok(if tagged {
        outcome.notice(
            "a generation tag makes A-then-something-then-A compare unequal: the stale swap \
             fails and every value comes out once",
        )
    } else {
        outcome.notice(
            "compare-and-swap compares addresses: a freed and reused A looks unchanged — with \
             real pointers that is a use-after-free, which is why a popped node must not be \
             freed while another thread may hold it (epoch reclamation)",
        )
    })
}
