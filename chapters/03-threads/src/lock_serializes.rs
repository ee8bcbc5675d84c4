//! One lock around the whole countdown: the two threads no longer overlap, they take turns.
//!
//! Mirrors the book's `Chapter03/example4.py`: the same two countdown threads as example1, but
//! `run` holds one module-level `threading.Lock` for the whole countdown, so thread A counts
//! down to 1 and only then does B start (the book measured about 5 s against about 2.5 s
//! unlocked). Here both threads count down from 5 with a 10 ms sleep per step (the book's 0.5 s
//! scaled: the sleeps are latency, the subject), once without the lock and once under one
//! shared `Mutex<()>`, and the two runs are timed side by side (the median of three runs each).
//!
//! What to notice: under the lock at most one thread is ever inside the countdown — an atomic
//! counter of the threads inside it, and the most it ever read, say so — and the merged
//! timeline has exactly one switch from A to B (or B to A). Both are guaranteed by mutual
//! exclusion, so they decide the verdict; the times only show what taking turns costs (about
//! the sum of both countdowns). A lock around *all* of a thread's work makes the threads
//! sequential.
//!
//! Run: `cargo run -p chapter-3 -- run lock-serializes`. Expect at most 1 thread inside under
//! the lock (2 without it, on an idle machine), and about 50 ms unlocked against about 100 ms
//! locked: a ratio near 2.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::countdown::{COUNT_FROM, Timeline, count_down};

common::variants! {
    /// The example's one variant: both runs are measured side by side.
    pub enum Runs {
        /// The pair with no lock, then under one lock.
        Timed = "timed": "no lock vs one lock around each countdown, side by side",
    }
}

/// How many threads are inside the countdown right now, and the most there ever were: under
/// the lock that most is 1 whatever the machine's load, because the count rises only once a
/// thread holds the lock and falls before it lets go.
#[derive(Debug, Default)]
pub struct Inside {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Inside {
    /// Runs `section` counted as one thread inside.
    pub fn within<T>(&self, section: impl FnOnce() -> T) -> T {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let result = section();
        self.now.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// The most threads that were inside at the same time.
    pub fn most_at_once(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

/// One run of the pair: how long it took, its merged timeline, and how many threads were inside
/// the countdown at once.
#[derive(Debug, Clone)]
pub struct PairRun {
    /// Wall-clock time for both threads.
    pub took: Duration,
    /// Both threads' steps.
    pub timeline: Timeline,
    /// The most threads that were counting down at the same instant.
    pub most_inside: usize,
}

impl PairRun {
    /// What mutual exclusion guarantees of a locked run: never two threads inside at once, all
    /// `2 x COUNT_FROM` steps taken, and one thread's steps all before the other's.
    pub fn took_turns(&self) -> bool {
        self.most_inside == 1
            && self.timeline.events().len() == 2 * COUNT_FROM as usize
            && self.timeline.switches() == 1
    }
}

/// Runs threads A and B, each counting down with `delay`, under one shared lock or none.
pub fn run_pair(delay: Duration, locked: bool) -> anyhow::Result<PairRun> {
    let timeline = Timeline::new();
    let lock = Arc::new(Mutex::new(()));
    let inside = Arc::new(Inside::default());
    let watch = Stopwatch::start();
    let handles = ["A", "B"]
        .into_iter()
        .map(|name| {
            let (timeline, lock, inside) =
                (timeline.clone(), Arc::clone(&lock), Arc::clone(&inside));
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    // The book's `with thread_lock:` around the whole countdown.
                    let _guard =
                        locked.then(|| lock.lock().unwrap_or_else(PoisonError::into_inner));
                    inside.within(|| count_down(delay, &timeline));
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow::anyhow!("a countdown thread panicked"))?;
    }
    Ok(PairRun {
        took: watch.elapsed(),
        timeline,
        most_inside: inside.most_at_once(),
    })
}

/// Runs the example: unlocked, then locked, side by side.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Runs::Timed = config.variant_of()?;
    let delay = Duration::from_millis(config.pick(10, 50));
    // Three runs of each, fastest first: the median is the time shown, so one late wake-up on a
    // busy machine does not set it.
    let three = |locked: bool| -> anyhow::Result<Vec<PairRun>> {
        let mut runs = (0..3)
            .map(|_| run_pair(delay, locked))
            .collect::<anyhow::Result<Vec<_>>>()?;
        runs.sort_by_key(|r| r.took);
        Ok(runs)
    };
    let unlocked_runs = three(false)?;
    let locked_runs = three(true)?;
    let (unlocked, locked) = (&unlocked_runs[1], &locked_runs[1]);
    let one = delay * COUNT_FROM;
    let most = |runs: &[PairRun]| runs.iter().map(|r| r.most_inside).max().unwrap_or(0);
    let (unlocked_most, locked_most) = (most(&unlocked_runs), most(&locked_runs));

    let mut table = TableData::new(
        format!(
            "Two countdowns of {COUNT_FROM} steps × {} (one alone: {})",
            human(delay),
            human(one)
        ),
        &[
            "run",
            "book",
            "time",
            "threads inside at once (most)",
            "switches between threads",
        ],
    );
    table.row([
        "no lock".to_string(),
        "example1 (~2.5 s)".to_string(),
        human(unlocked.took),
        unlocked_most.to_string(),
        unlocked.timeline.switches().to_string(),
    ]);
    table.row([
        "one lock around the countdown".to_string(),
        "example4 (~5 s)".to_string(),
        human(locked.took),
        locked_most.to_string(),
        locked.timeline.switches().to_string(),
    ]);

    let ratio = locked.took.as_secs_f64() / unlocked.took.as_secs_f64();
    // The verdict is what the lock guarantees, in every locked run: never two threads inside,
    // every step taken, one switch. The times are figures: on a loaded machine late wake-ups
    // can stretch either run, but they cannot put a second thread inside the lock.
    let showed = locked_runs.iter().all(PairRun::took_turns);
    Ok(config.outcome(Verdict::from(showed))
    .line("The same two countdown threads, first free, then each holding one shared Mutex<()> for its whole countdown.")
    .line(format!(
        "Sleeps of {} per step stand in for the book's 0.5 s: the subject is waiting, not computing. Times are medians of three runs.",
        human(delay)
    ))
    .table(locked.timeline.table("The locked run's merged timeline: one thread, then the other"))
    .table(table)
    .key_figure("locked / unlocked", ratio, "x")
    .count("threads inside at once, locked (most)", locked_most, "threads")
    .count("threads inside at once, unlocked (most)", unlocked_most, "threads")
    .duration("unlocked", unlocked.took)
    .duration("locked", locked.took)
    .notice("a lock held for all of each thread's work turns two threads into one after the other"))
}
