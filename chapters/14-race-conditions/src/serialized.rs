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
//! Run: `cargo run -p chapter-14 -- run serialized [--seed 0] [--threads 20]`.
//! Expect: the first two rows about the sum of the pauses, the third about one pause.

use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::lost_updates::{Counter, Method, book_pauses, describe_pauses, run_threads};

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
    let watch = Stopwatch::start();
    for &pause in pauses {
        counter.update(Method::Mutex, 1, || std::thread::sleep(pause));
    }
    let sequential = watch.elapsed();
    let sequential_count = counter.total(Method::Mutex, &[]);

    let threaded = run_threads(Method::Mutex, pauses, budget)?;
    let narrow = run_threads(Method::FetchAdd, pauses, budget)?;
    Ok(Serialized {
        pauses: pauses.to_vec(),
        sequential,
        threaded: threaded.elapsed,
        narrow: narrow.elapsed,
        counts: [sequential_count, threaded.actual, narrow.actual],
    })
}

/// Runs the example: the book's two timings and the narrow critical section.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
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
        &["arrangement", "book", "time", "counter", "expect about"],
    );
    table.row([
        "locked, one thread after the other".to_string(),
        "example3, sequential".to_string(),
        human(m.sequential),
        m.counts[0].to_string(),
        format!("{} (the sum)", human(total)),
    ]);
    table.row([
        format!("locked, {} threads", pauses.len()),
        "example3, concurrent (12.01 s)".to_string(),
        human(m.threaded),
        m.counts[1].to_string(),
        format!("{} (the sum)", human(total)),
    ]);
    table.row([
        format!("pause outside, fetch_add, {} threads", pauses.len()),
        "—".to_string(),
        human(m.narrow),
        m.counts[2].to_string(),
        format!("{} (the longest)", human(m.longest_pause())),
    ]);

    let (seq, thr, nar) = (
        m.sequential.as_secs_f64(),
        m.threaded.as_secs_f64(),
        m.narrow.as_secs_f64(),
    );
    let counts_right = m.counts.iter().all(|&c| c == expected);
    // Shown: the threads gained nothing under the lock (within scheduling noise), and the narrow
    // critical section let the pauses overlap. Needs at least two long pauses to overlap.
    let long_pauses = pauses.iter().filter(|p| !p.is_zero()).count();
    let showed = counts_right && long_pauses >= 2 && thr >= 0.9 * seq && nar <= 0.75 * thr;
    Ok(config.outcome(Verdict::from(showed),
    )
    .line("The sleep is the subject: it is time spent holding the lock, or not.")
    .table(table)
    .key_figure("threaded / sequential", thr / seq.max(1e-9), "x")
    .figure("sequential", seq, "s")
    .figure("threaded", thr, "s")
    .figure("pause outside the lock", nar, "s")
    .figure("sum of pauses", total.as_secs_f64(), "s")
    .notice(if long_pauses >= 2 {
        "a lock held across the pause makes twenty threads as slow as one; hold it for the update only"
    } else {
        "this seed drew fewer than two long pauses: nothing to serialize (try another --seed)"
    }))
}
