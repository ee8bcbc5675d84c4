//! What lock ordering costs: the ordered threads of `two-locks` take turns, so they run no faster
//! than one after the other, while the same work without locks overlaps.
//!
//! Mirrors the book's `Chapter12/example5.py` (the ordered threads of example2, timed: 14 s),
//! `example6.py` (the same two threads run strictly one after the other: 14 s) and `example7.py`
//! (the same sleeps with no locks, concurrent: 10 s, the longest thread alone). The times are a
//! hundredth of the book's (0.14 s, 0.14 s, 0.10 s), and the work is a sleep because what is
//! measured is how long the threads wait for each other, not how much they compute.
//!
//! The lesson: ordering prevents the deadlock but not the serialization. When threads need the
//! same locks for the whole of their work, locking makes them sequential; only work done outside
//! locks (or with finer-grained locks) can overlap.
//!
//! Run: `cargo run -p chapter-12 -- run ordering-cost`.

use std::sync::Arc;
use std::time::Duration;

use common::deadlock::rendezvous::Schedule;
use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::two_locks::{LockOrder, Occupancy, THREADS, book_holds, run_pair_counted};

common::variants! {
    /// The example's one variant: the three arrangements are measured side by side.
    pub enum Arrangements {
        /// Ordered locks, sequential and unlocked, timed one after the other.
        Timed = "timed": "ordered locks vs sequential vs no locks, side by side",
    }
}

/// The three timings of the book's examples 5–7.
#[derive(Debug, Clone, Copy)]
pub struct OrderingCost {
    /// Both threads concurrently, both locks taken in one order (example5).
    pub ordered: Duration,
    /// Thread A's work, then thread B's, on one thread (example6).
    pub sequential: Duration,
    /// Both threads concurrently without any lock (example7).
    pub unlocked: Duration,
    /// The most threads ever working at once under ordered locks: 1, because the locks make
    /// them take turns (the guaranteed fact the verdict rests on).
    pub ordered_at_once: usize,
    /// The same count without locks: 2 when the scheduler ran both threads' work together,
    /// which nothing forces (a figure, not the verdict).
    pub unlocked_at_once: usize,
}

/// Measures the three arrangements for the book's work times scaled by `scale`.
pub fn measure(scale: f64) -> anyhow::Result<OrderingCost> {
    let holds = book_holds(scale);
    let budget = Duration::from_secs(5);

    let ordered_occupancy = Arc::new(Occupancy::default());
    let watch = Stopwatch::start();
    let report = run_pair_counted(
        LockOrder::Global,
        holds,
        budget,
        Schedule::FreeRunning,
        &ordered_occupancy,
    );
    anyhow::ensure!(
        report.total_progress() == 2,
        "ordered threads did not finish: {}",
        report.describe_ending()
    );
    let ordered = watch.elapsed();

    // Each thread's work is two holds (one per lock).
    let watch = Stopwatch::start();
    for hold in holds {
        std::thread::sleep(2 * hold);
    }
    let sequential = watch.elapsed();

    let unlocked_occupancy = Occupancy::default();
    let watch = Stopwatch::start();
    std::thread::scope(|s| {
        for hold in holds {
            let occupancy = &unlocked_occupancy;
            s.spawn(move || occupancy.work(2 * hold));
        }
    });
    let unlocked = watch.elapsed();

    Ok(OrderingCost {
        ordered,
        sequential,
        unlocked,
        ordered_at_once: ordered_occupancy.most_at_once(),
        unlocked_at_once: unlocked_occupancy.most_at_once(),
    })
}

/// Runs the example: the three times side by side.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Arrangements::Timed = config.variant_of()?;
    let scale = config.pick(0.01, 0.05);
    let cost = measure(scale)?;
    let holds = book_holds(scale);

    let mut table = TableData::new(
        format!(
            "{} works {} per lock, {} works {} per lock",
            THREADS[0],
            human(holds[0]),
            THREADS[1],
            human(holds[1])
        ),
        &["arrangement", "book", "time", "book's time, scaled"],
    );
    let scaled = |seconds: f64| human(Duration::from_secs_f64(seconds * scale));
    table.row([
        "ordered locks, concurrent".to_string(),
        "example5".to_string(),
        human(cost.ordered),
        scaled(14.0),
    ]);
    table.row([
        "one after the other".to_string(),
        "example6".to_string(),
        human(cost.sequential),
        scaled(14.0),
    ]);
    table.row([
        "no locks, concurrent".to_string(),
        "example7".to_string(),
        human(cost.unlocked),
        scaled(10.0),
    ]);

    let ordered = cost.ordered.as_secs_f64();
    let unlocked = cost.unlocked.as_secs_f64();
    // The verdict is the count, not the clock: under ordered locks at most one thread ever
    // worked at a time. The times show what that costs, on this machine, this run.
    let showed = cost.ordered_at_once == 1;
    Ok(config.outcome(Verdict::from(showed))
    .table(table)
    .key_figure("ordered / unlocked", ordered / unlocked, "x")
    .count("threads working at once, ordered locks (most)", cost.ordered_at_once, "threads")
    .count("threads working at once, no locks (most)", cost.unlocked_at_once, "threads")
    .duration("ordered", cost.ordered)
    .duration("sequential", cost.sequential)
    .duration("unlocked", cost.unlocked)
    .notice("ordering removes the deadlock, not the waiting: threads that need the same locks take turns"))
}
