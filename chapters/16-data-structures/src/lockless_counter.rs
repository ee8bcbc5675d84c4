//! The book's first data structure: a counter class with no lock, losing updates, and its fix.
//!
//! Mirrors `Chapter16/example1.py` (`LocklessCounter`: read the value, sleep 1 ms, write the
//! value plus one; 300 increments handed to a pool of 3 workers; "Final counter: 99") and
//! `example2.py` (`LockedCounter`: the same read-sleep-write under one lock; 300).
//!
//! Here the pool is three threads taking the 300 increment tasks from a shared ticket counter,
//! as `ThreadPoolExecutor(max_workers=3).map` does. The unsynchronized counter is an atomic load,
//! a 1 ms pause, then an atomic store: every access is atomic, the read-modify-write is not —
//! a race condition without undefined behaviour (a plain shared `u64` would not compile). The
//! pause is the subject (it is the window in which the other workers read the same stale
//! value), so it is a real sleep and the output says so.
//!
//! Variants:
//! - `broken`: `LocklessCounter`; three workers mostly overwrite each other's updates: the
//!   counter ends near a third of 300, and the run counts the lost updates;
//! - `locked`: `LockedCounter`; the read-sleep-write happens under one `Mutex`: exactly 300,
//!   and the workers take turns (≈ 300 pauses one after the other instead of 100).
//!
//! Run: `cargo run -p chapter-16 -- run lockless-counter` (both) or `--variant broken`.
//! Expect: `broken` ≈ 100 of 300 (it *may* lose fewer: a race depends on timing), `locked` 300.

use std::sync::Arc;
use std::time::Duration;

use common::sync::Mutex;
use common::sync::atomic::{AtomicU64, Ordering};
use common::timing::{Stopwatch, human};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

/// The book's pool size.
pub const WORKERS: usize = 3;
/// The book's number of increments.
pub const INCREMENTS: u64 = 300;
/// The book's pause between the read and the write (`time.sleep(0.001)`).
pub const PAUSE: Duration = Duration::from_millis(1);

common::variants! {
    /// Which of the book's two counter classes the workers increment.
    pub enum Class {
        /// `LocklessCounter`: read, pause, write with no lock.
        Lockless = "broken": "LocklessCounter: 3 workers, 300 increments, read → sleep 1 ms → write",
        /// `LockedCounter`: the same under one lock.
        Locked = "locked": "LockedCounter: the same read-sleep-write under one Mutex",
    }
}

/// The two counters of the book, side by side.
#[derive(Debug, Default)]
pub struct Counters {
    /// `LocklessCounter.value`: every load and store is atomic, the increment is not.
    lockless: AtomicU64,
    /// `LockedCounter.value`, behind `LockedCounter.lock`.
    locked: Mutex<u64>,
}

impl Counters {
    /// Both counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// `LocklessCounter.increment`: read, pause, write what was read plus one.
    pub fn lockless_increment(&self, pause: impl Fn()) {
        let seen = self.lockless.load(Ordering::Relaxed);
        pause(); // another worker may read the same `seen` now, and one of the writes is lost
        self.lockless.store(seen + 1, Ordering::Relaxed);
    }

    /// `LockedCounter.increment`: the same, with the lock held from the read to the write.
    pub fn locked_increment(&self, pause: impl Fn()) {
        let mut value = common::sync::lock(&self.locked);
        let seen = *value;
        pause(); // the others wait for the lock: nobody can read a stale value meanwhile
        *value = seen + 1;
    }

    /// `get_value()` of the lockless counter.
    pub fn lockless_value(&self) -> u64 {
        self.lockless.load(Ordering::Relaxed)
    }

    /// `get_value()` of the locked counter (under the lock, as the book's does).
    pub fn locked_value(&self) -> u64 {
        *common::sync::lock(&self.locked)
    }
}

/// What one run counted.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterRun {
    /// Increments handed to the pool.
    pub expected: u64,
    /// The counter's final value.
    pub actual: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl CounterRun {
    /// Updates that vanished: increments done minus the count reached.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.actual)
    }
}

/// Runs `increments` increment tasks on `workers` threads, each task one `lockless_increment`
/// (or `locked_increment` if `locked`) with a `pause`-long sleep in it.
pub fn run_pool(
    locked: bool,
    workers: usize,
    increments: u64,
    pause: Duration,
) -> anyhow::Result<CounterRun> {
    let counters = Arc::new(Counters::new());
    // The executor's task queue: each worker takes the next task number until none is left.
    let tickets = Arc::new(AtomicU64::new(0));
    let watch = Stopwatch::start();
    let pool = (0..workers)
        .map(|i| {
            let (counters, tickets) = (Arc::clone(&counters), Arc::clone(&tickets));
            worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                while tickets.fetch_add(1, Ordering::Relaxed) < increments && !ctx.should_stop() {
                    let sleep = || std::thread::sleep(pause);
                    if locked {
                        counters.locked_increment(sleep);
                    } else {
                        counters.lockless_increment(sleep);
                    }
                    ctx.progress();
                }
            })
        })
        .collect();
    let deadline = Duration::from_secs(10) + pause * u32::try_from(increments).unwrap_or(u32::MAX);
    let report = Watchdog::new(deadline)
        .stall_after(Duration::from_secs(2) + pause * 4)
        .run(pool);
    anyhow::ensure!(
        report.ending == Ending::Finished && report.panics().is_empty(),
        "the pool did not finish: {}",
        report.describe_ending()
    );
    let actual = if locked {
        counters.locked_value()
    } else {
        counters.lockless_value()
    };
    Ok(CounterRun {
        expected: increments,
        actual,
        elapsed: watch.elapsed(),
    })
}

/// The `lockless-counter` example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let locked = match config.variant_of::<Class>()? {
        Class::Lockless => false,
        Class::Locked => true,
    };
    let counted = run_pool(locked, WORKERS, INCREMENTS, PAUSE)?;
    let name = if locked {
        "LockedCounter"
    } else {
        "LocklessCounter"
    };
    let showed = if locked {
        counted.actual == counted.expected
    } else {
        counted.lost() > 0
    };
    let outcome = config
        .outcome(Verdict::from(showed))
        .count("final counter", counted.actual, "increments")
        .as_key()
        .count("increments done", counted.expected, "increments")
        .count("lost updates", counted.lost(), "updates")
        .duration("total time", counted.elapsed)
        .line(format!(
            "{name}: {WORKERS} workers, {INCREMENTS} increments, each read → sleep {} → write \
             (the sleep is the race window, a real pause)",
            human(PAUSE)
        ))
        .line(format!(
            "Final counter: {} of {} ({} lost) in {}",
            counted.actual,
            counted.expected,
            counted.lost(),
            human(counted.elapsed)
        ));
    Ok(if locked {
        outcome.notice(
            "the lock makes read-sleep-write one step: every update lands, and the workers take \
             turns (about 300 pauses end to end)",
        )
    } else {
        outcome.notice(
            "workers that read while another sleeps all write the same value + 1: the book saw 99 \
             of 300 — each access is atomic, the increment is not",
        )
    })
}
