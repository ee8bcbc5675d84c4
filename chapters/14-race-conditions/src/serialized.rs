//! A lock around the whole critical section serializes it: the locked update takes as long on
//! twenty threads as on one.
//!
//! Mirrors the book's `Chapter14/example3.py`: `random.seed(0)`, twenty pauses of 0 or 1 s
//! (twelve of 1 s: 12 s in all), and the locked read-pause-write of example2 run first one
//! after the other on one thread, then on twenty threads. Both take about the sum of the pauses
//! (the book saw 12.01 s): while one thread sleeps holding the lock, the other nineteen wait.
//!
//! A third row goes one step further than the book: keep the pause *outside* the critical
//! section and make the update itself atomic (`fetch_add`). Then the pauses overlap and the run
//! takes about the longest pause alone. The lesson: hold a lock for the update, not for the
//! waiting around it.
//!
//! The pauses are scaled to 0 or 10 ms (0 or 100 ms in full runs): latency is what is measured
//! here, so a sleep is the honest workload. `--seed` picks them.
//!
//! Every pause is counted as it is taken: how many threads are pausing at that moment. Under
//! the lock that is never more than one, because the pause is inside the critical section and
//! the lock lets one thread in at a time: the verdict rests on that count (no two critical
//! sections overlapped) and on every counter ending exact, facts no load on the machine can
//! change. The times, and how many pauses overlapped outside the lock, are figures.
//!
//! Run: `cargo run -p chapter-14 -- run serialized [--seed 0] [--threads 20]`.
//! Expect: the first two rows about the sum of the pauses, one pause at a time; the third about
//! one pause, with many at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::counter::{Counter, Method};
use crate::lost_updates::{book_pauses, describe_pauses, run_threads_pausing};

common::variants! {
    /// The example's one variant: the three arrangements are measured side by side.
    pub enum Arrangements {
        /// Locked sequential, locked threaded, and the pause outside the lock, timed in turn.
        Timed = "timed": "sequential vs threaded under the lock, and the pause moved outside it",
    }
}

/// How many threads are pausing right now, the most there ever were, and how many pauses began
/// while another was under way: the counts that say whether pauses took turns or overlapped.
#[derive(Debug, Default)]
pub struct Pausing {
    now: AtomicUsize,
    most: AtomicUsize,
    overlaps: AtomicUsize,
}

impl Pausing {
    /// Pauses for `pause` (a sleep: the time spent waiting is the subject), counted.
    pub fn pause(&self, pause: Duration) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        if now > 1 {
            self.overlaps.fetch_add(1, Ordering::SeqCst);
        }
        std::thread::sleep(pause);
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    /// The most threads that were pausing at the same time.
    pub fn most_at_once(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// How many pauses began while another thread was pausing.
    pub fn overlaps(&self) -> usize {
        self.overlaps.load(Ordering::SeqCst)
    }
}

/// The three timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Serialized {
    /// The pauses, in order.
    pub pauses: Vec<Duration>,
    /// The locked update, once per pause, one after the other on one thread.
    pub sequential: Duration,
    /// The locked update, one thread per pause (the book's example3).
    pub threaded: Duration,
    /// One thread per pause, the pause outside the critical section, `fetch_add` inside.
    pub narrow: Duration,
    /// The counts the three arrangements reached, in that order.
    pub counts: [u64; 3],
    /// The most threads pausing at once in each arrangement: 1 under the lock, always.
    pub at_once: [usize; 3],
    /// Pauses that began while another was under way, per arrangement: 0 under the lock
    /// (no two critical sections overlap), however the threads are scheduled.
    pub overlaps: [usize; 3],
}

impl Serialized {
    /// The sum of the pauses.
    pub fn total_pause(&self) -> Duration {
        self.pauses.iter().sum()
    }

    /// The longest pause.
    pub fn longest_pause(&self) -> Duration {
        self.pauses.iter().max().copied().unwrap_or_default()
    }
}

/// Measures the three arrangements for `pauses`.
pub fn measure(pauses: &[Duration], budget: Duration) -> anyhow::Result<Serialized> {
    let counter = Counter::new();
    let sequential_pausing = Pausing::default();
    let watch = Stopwatch::start();
    for &pause in pauses {
        counter.update(Method::Mutex, 1, || sequential_pausing.pause(pause));
    }
    let sequential = watch.elapsed();
    let sequential_count = counter.total(Method::Mutex, &[]);

    // Under the mutex the pause runs inside the critical section; under fetch_add, before it.
    let threaded_pausing = Arc::new(Pausing::default());
    let counted = Arc::clone(&threaded_pausing);
    let threaded = run_threads_pausing(Method::Mutex, pauses, budget, move |p| counted.pause(p))?;
    let narrow_pausing = Arc::new(Pausing::default());
    let counted = Arc::clone(&narrow_pausing);
    let narrow = run_threads_pausing(Method::FetchAdd, pauses, budget, move |p| counted.pause(p))?;

    let all = [&sequential_pausing, &*threaded_pausing, &*narrow_pausing];
    Ok(Serialized {
        pauses: pauses.to_vec(),
        sequential,
        threaded: threaded.elapsed,
        narrow: narrow.elapsed,
        counts: [sequential_count, threaded.actual, narrow.actual],
        at_once: all.map(Pausing::most_at_once),
        overlaps: all.map(Pausing::overlaps),
    })
}

/// Runs the example: the book's two timings and the narrow critical section.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Arrangements::Timed = config.variant_of()?;
    let unit = config.pick(Duration::from_millis(10), Duration::from_millis(100));
    let pauses = book_pauses(config.seed, config.threads, unit);
    let budget = config.budget() + pauses.iter().sum::<Duration>();
    let m = measure(&pauses, budget)?;
    let total = m.total_pause();
    let expected = pauses.len() as u64;

    let mut table = TableData::new(
        format!(
            "{} updates, pauses {} (seed {})",
            pauses.len(),
            describe_pauses(&pauses, unit),
            config.seed
        ),
        &[
            "arrangement",
            "book",
            "time",
            "counter",
            "most at once",
            "expect about",
        ],
    );
    table.row([
        "locked, one thread after the other".to_string(),
        "example3, sequential".to_string(),
        human(m.sequential),
        m.counts[0].to_string(),
        m.at_once[0].to_string(),
        format!("{} (the sum)", human(total)),
    ]);
    table.row([
        format!("locked, {} threads", pauses.len()),
        "example3, concurrent (12.01 s)".to_string(),
        human(m.threaded),
        m.counts[1].to_string(),
        m.at_once[1].to_string(),
        format!("{} (the sum)", human(total)),
    ]);
    table.row([
        format!("pause outside, fetch_add, {} threads", pauses.len()),
        "—".to_string(),
        human(m.narrow),
        m.counts[2].to_string(),
        m.at_once[2].to_string(),
        format!("{} (the longest)", human(m.longest_pause())),
    ]);

    let (seq, thr) = (m.sequential.as_secs_f64(), m.threaded.as_secs_f64());
    let counts_right = m.counts.iter().all(|&c| c == expected);
    // Shown: every counter ended exact, and under the lock no pause began while another was
    // under way, on one thread or on many: counts that mutual exclusion guarantees, not times
    // that a busy machine can stretch. Needs at least two long pauses to have anything to
    // serialize, which the seed decides.
    let long_pauses = pauses.iter().filter(|p| !p.is_zero()).count();
    let locked_overlaps = m.overlaps[0] + m.overlaps[1];
    let showed = counts_right && long_pauses >= 2 && locked_overlaps == 0;
    Ok(config
        .outcome(Verdict::from(showed))
        .line("The sleep is the subject: it is time spent holding the lock, or not.")
        .table(table)
        .key_figure("threaded / sequential", thr / seq.max(1e-9), "x")
        .count("overlapping critical sections", locked_overlaps, "pauses")
        .count("most pausing at once, locked threads", m.at_once[1], "threads")
        .count("most pausing at once, pause outside the lock", m.at_once[2], "threads")
        .duration("sequential", m.sequential)
        .duration("threaded", m.threaded)
        .duration("pause outside the lock", m.narrow)
        .duration("sum of pauses", total)
        .notice(if long_pauses >= 2 {
            "a lock held across the pause makes twenty threads as slow as one; hold it for the update only"
        } else {
            "this seed drew fewer than two long pauses: nothing to serialize (try another --seed)"
        }))
}
