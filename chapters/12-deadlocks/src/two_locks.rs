//! Two threads, two locks, opposite orders: the smallest deadlock there is — and its cure.
//!
//! Mirrors the book's `Chapter12/example1.py` and `example2.py`. Thread A takes lock A, works a
//! while holding it, then wants lock B too; thread B takes lock B, works, then wants lock A.
//! Once each holds its first lock, each waits for the one the other holds: a cycle in the
//! wait-for graph, and neither can ever move again. The book's Python simply hangs; here the
//! watchdog finds the cycle, prints who holds what and waits for what, and releases the threads.
//!
//! The `ordered` variant is the book's fix: both threads take lock A before lock B. One global
//! order means nobody can hold a later lock while waiting for an earlier one, so no cycle can
//! form. The threads now take turns, which is why the run takes the sum of their work times.
//!
//! The work inside the locks is a sleep, scaled from the book's 2 s and 5 s to 20 ms and 50 ms:
//! here latency *is* the subject (the time each thread holds its first lock), and the report
//! says so. Left to the scheduler, the deadlock forms only if thread B takes lock B within
//! thread A's first hold, which a machine whose cores are busy may not grant. In the run the
//! verdict rests on, the window between the two locks is forced
//! ([`common::deadlock::rendezvous`]): a thread holding its first lock waits there until the
//! other holds or waits for a lock (or is done), so `broken` deadlocks on any machine and
//! `ordered` passes through. For `broken`, a few more runs left to the scheduler are a figure.
//!
//! Run: `cargo run -p chapter-12 -- run two-locks` (both variants) or `--variant broken`; add
//! `--trace trace.json` to see each thread's "holding lock A" / "waiting for lock B" bars in
//! Perfetto (see [`crate::traced`]).
//! Expect: `broken` reports the cycle within about 0.1 s; `ordered` finishes in about 0.14 s.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::deadlock::rendezvous::Schedule;
use common::deadlock::{Abandoned, LockGraph, TrackedMutex};
use common::watchdog::{Ending, GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::traced::take;

common::variants! {
    /// The two variants, side by side.
    pub enum LockOrder {
        /// Thread A takes A then B; thread B takes B then A: deadlock-prone.
        Opposite = "broken": "thread A takes A then B, thread B takes B then A",
        /// Both threads take A then B: one global order, no cycle possible.
        Global = "ordered": "both take A then B",
    }
}

impl LockOrder {
    /// Which lock (0 = A, 1 = B) thread `who` (0 = A, 1 = B) takes first and second.
    pub fn plan(self, who: usize) -> (usize, usize) {
        match (self, who) {
            (Self::Opposite, 1) => (1, 0),
            _ => (0, 1),
        }
    }
}

/// The two thread names and the two lock names, as the book calls them.
pub const THREADS: [&str; 2] = ["thread A", "thread B"];
/// Lock names, indexed like [`THREADS`].
pub const LOCKS: [&str; 2] = ["lock A", "lock B"];

/// Makes the two locks, tracked by `graph`.
pub fn make_locks(graph: &Arc<LockGraph>) -> [TrackedMutex<()>; 2] {
    [graph.mutex(LOCKS[0], ()), graph.mutex(LOCKS[1], ())]
}

/// The book's thread body: take the first lock, work while holding it, take the second, work
/// again, release both. `work` is the time spent holding locks (a sleep in the demo, nothing
/// under the model checker).
pub fn take_both(
    locks: &[TrackedMutex<()>; 2],
    order: LockOrder,
    who: usize,
    work: &dyn Fn(),
    ctx: &WorkerCtx,
) -> Result<(), Abandoned> {
    let (first, second) = order.plan(who);
    // Under `--trace`: "waiting for lock B" while holding lock A, on each thread's row.
    let _first = take(&locks[first], format_args!("{}", LOCKS[first]))?;
    work();
    let _second = take(&locks[second], format_args!("{}", LOCKS[second]))?;
    work();
    ctx.progress();
    Ok(())
}

/// The book's work times, 2 s for thread A and 5 s for thread B, multiplied by `scale`.
pub fn book_holds(scale: f64) -> [Duration; 2] {
    [2.0 * scale, 5.0 * scale].map(Duration::from_secs_f64)
}

/// How many threads are working at once, and the most there ever were: the count that says
/// whether locks made the threads take turns (1) or let them overlap (2).
#[derive(Debug, Default)]
pub struct Occupancy {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Occupancy {
    /// Works for `hold` (a sleep: what is measured is waiting, not computing), counted.
    pub fn work(&self, hold: Duration) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(hold);
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    /// The most threads that were working at the same time.
    pub fn most_at_once(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

/// Runs thread A and thread B (holding their locks for `holds`) under the watchdog, with
/// `schedule` in the window between each one's first lock and its second.
pub fn run_pair(
    order: LockOrder,
    holds: [Duration; 2],
    budget: Duration,
    schedule: Schedule,
) -> GroupReport<Result<(), Abandoned>> {
    run_pair_counted(order, holds, budget, schedule, &Arc::default())
}

/// [`run_pair`], with every stretch of work counted in `occupancy`.
pub fn run_pair_counted(
    order: LockOrder,
    holds: [Duration; 2],
    budget: Duration,
    schedule: Schedule,
    occupancy: &Arc<Occupancy>,
) -> GroupReport<Result<(), Abandoned>> {
    let graph = LockGraph::new();
    let locks = Arc::new(make_locks(&graph));
    let workers = (0..2)
        .map(|who| {
            let (graph, locks) = (Arc::clone(&graph), Arc::clone(&locks));
            let occupancy = Arc::clone(occupancy);
            let hold = holds[who];
            worker(THREADS[who], move |ctx: &WorkerCtx| {
                let member = graph.member();
                let in_window = std::cell::Cell::new(true);
                // `take_both` works once between its locks and once after: the rendezvous
                // follows the first stretch of work.
                let work = || {
                    occupancy.work(hold);
                    if let (Schedule::Forced { guard }, true) = (schedule, in_window.replace(false))
                    {
                        member.rendezvous(THREADS.len(), guard);
                    }
                };
                take_both(&locks, order, who, &work, ctx)
            })
        })
        .collect();
    // Each thread records progress only once it has both locks, after a long hold: judge this
    // run by its wait-for graph and its deadline, not by a stall timer.
    Watchdog::new(budget)
        .stall_after(budget)
        .with_lock_graph(&graph)
        .run(workers)
}

/// Runs one variant with both threads under the watchdog.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let order = config.variant_of::<LockOrder>()?;
    // A hundredth of the book's times (a tenth in full runs).
    let holds = book_holds(config.pick(0.01, 0.1));
    let forced = Schedule::Forced {
        guard: config.budget() / 2,
    };
    let report = run_pair(order, holds, config.budget(), forced);
    let free_running = match order {
        LockOrder::Opposite => {
            let runs = config.pick(5, 20);
            let deadlocks = (0..runs)
                .filter(|_| {
                    let free = run_pair(order, holds, config.budget(), Schedule::FreeRunning);
                    matches!(free.ending, Ending::Deadlock(_))
                })
                .count();
            Some((deadlocks, runs))
        }
        LockOrder::Global => None,
    };

    let mut table = TableData::new(
        "Each thread (hold = time it works while holding a lock)",
        &["thread", "takes", "hold", "state at the end"],
    );
    for (who, thread) in report.threads.iter().enumerate() {
        let (first, second) = order.plan(who);
        table.row([
            thread.name.clone(),
            format!("{} then {}", LOCKS[first], LOCKS[second]),
            common::format::duration(holds[who]),
            thread.state().to_string(),
        ]);
    }

    let mut outcome = match (&report.ending, order) {
        (Ending::Deadlock(cycle), LockOrder::Opposite) => {
            let mut outcome = config
                .outcome(Verdict::Showed)
                .line(
                    "Between its two locks each thread waited until the other held or waited \
                     for a lock: the schedule that closes the cycle.",
                )
                .line("Deadlock detected — the wait-for cycle:");
            for line in cycle.lines() {
                outcome = outcome.line(format!("  {line}"));
            }
            outcome
                .line("The watchdog broke the cycle and both threads gave up their waits.")
                .duration("detected after", report.ended_after)
                .as_key()
                .notice(
                    "each thread holds the lock the other wants: opposite lock orders make a cycle",
                )
        }
        (Ending::Finished, LockOrder::Global) if report.total_progress() == 2 => {
            let serial: Duration = holds.iter().map(|h| *h * 2).sum();
            config.outcome(Verdict::Showed)
                .line("Both threads took lock A before lock B and both finished.")
                .duration("total time", report.ended_after).as_key()
                .duration("sum of both threads' work", serial)
                .notice("one global lock order cannot form a cycle; the price is that the threads take turns")
        }
        _ => config
            .outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .notice(match order {
                LockOrder::Opposite => "the deadlock did not form this time",
                LockOrder::Global => "the ordered threads did not both finish",
            }),
    };
    if let Some((deadlocks, runs)) = free_running {
        outcome = outcome
            .line(format!(
                "Left to the scheduler (no rendezvous), {deadlocks} of {runs} more runs \
                 deadlocked: thread B must take lock B within thread A's {} hold, which a busy \
                 machine may not grant.",
                common::format::duration(holds[0])
            ))
            .count("deadlocks free-running", deadlocks, "runs")
            .count("free-running runs", runs, "runs");
    }
    Ok(outcome.table(table))
}
