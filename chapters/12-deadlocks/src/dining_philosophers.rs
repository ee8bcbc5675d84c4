//! The dining philosophers: five philosophers, five forks, and the deadlock that forms when each
//! holds one fork and waits for the next — with three ways out, side by side.
//!
//! Mirrors the book's `Chapter12/example3.py` (each philosopher takes the left fork, then the
//! right, forever) and `example4.py` (locks sorted by `id()` before they are taken). In the book
//! the broken program sometimes stalls after a few dozen meals and sometimes runs on; here every
//! philosopher takes a millisecond to reach for the second fork, the window in which a deadlock
//! forms (a sleep, because that latency is the subject). Whether all five hold their left fork
//! at once is still the scheduler's business, and a machine whose cores are busy may never let
//! it happen; so in the run the verdict rests on, the first reach is forced
//! ([`common::deadlock::rendezvous`]): each philosopher, having taken its first fork, waits until
//! every philosopher holds or waits for a fork (or for a seat, or is done). The broken table then
//! ends with all five holding their left fork, on any machine. The watchdog finds the cycle —
//! "philosopher 0 holds fork 0 and waits for fork 1 (held by philosopher 1)", and so on round the
//! table — and ends the run. A few more broken tables left to the scheduler are a figure beside it.
//!
//! The fixes, each breaking one of the conditions a deadlock needs:
//! - `ordered`: take the lower-numbered fork first ([`crate::ordered_locking`], the book's fix).
//!   The last philosopher now reaches the other way, so the circle of waits cannot close.
//! - `try-lock`: take the left fork, *try* the right; if it is taken, put the left one down and
//!   back off for a random while. Nobody holds a fork while waiting, so nobody waits on a cycle.
//! - `arbitrator`: a [`crate::waiter::Waiter`] seats at most N−1 philosophers, so at least one
//!   seated philosopher can always take both forks.
//!
//! Each fix meets the same forced first reach and must still feed everyone; it reports meals per
//! philosopher, back-offs and total time. Eating is real work (a short
//! computation); thinking and reaching are short sleeps.
//!
//! Under `--trace FILE` each philosopher's row shows its life as bars — `thinking`, `waiting for
//! fork j`, `holding fork i`, `eating` (and `back-off`, `waiting for a seat` in the fixes) — so the
//! broken table's end is a picture: five rows each holding one fork, each waiting for the next
//! until the watchdog breaks the cycle (those waits carry `abandoned: true`).
//!
//! Run: `cargo run -p chapter-12 -- run dining-philosophers [--variant broken] [--threads 7]
//! [--trace trace.json]`.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::deadlock::rendezvous::Schedule;
use common::deadlock::{Abandoned, LockGraph, TrackedMutex};
use common::rng::SplitMix64;
use common::trace::tracing::info_span;
use common::watchdog::{Ending, GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::ordered_locking::lock_in_order;
use crate::traced::{Held, take};
use crate::waiter::Waiter;

common::variants! {
    /// How a philosopher picks up forks.
    pub enum Strategy {
        /// Left fork, then right (the book's example3): deadlock-prone.
        LeftThenRight = "broken": "left fork, then right: all can hold one and wait forever",
        /// Lower-numbered fork first (the book's example4).
        Ordered = "ordered": "lower-numbered fork first (the book sorts locks by id())",
        /// Left fork, try the right; on failure put the left down and back off.
        TryLock = "try-lock": "take the left, try the right; on failure put both down and back off",
        /// Ask the waiter for a seat (N−1 seats), then left, then right.
        Arbitrator = "arbitrator": "a waiter lets at most N-1 philosophers sit at once",
    }
}

/// The forks and the waiter, shared by every philosopher.
#[derive(Debug)]
pub struct Table {
    /// Fork `i` lies between philosopher `i` (its left) and philosopher `i - 1`.
    pub forks: Vec<TrackedMutex<()>>,
    /// Seats N−1 philosophers at most (used by [`Strategy::Arbitrator`]).
    pub waiter: Waiter,
}

impl Table {
    /// A table for `philosophers`, with forks tracked by `graph`.
    pub fn new(graph: &Arc<LockGraph>, philosophers: usize) -> Self {
        Self {
            forks: (0..philosophers)
                .map(|i| graph.mutex(format!("fork {i}"), ()))
                .collect(),
            waiter: Waiter::new(philosophers - 1),
        }
    }

    /// Philosopher `seat`'s left and right forks.
    pub fn forks_of(&self, seat: usize) -> (&TrackedMutex<()>, &TrackedMutex<()>) {
        (
            &self.forks[seat],
            &self.forks[(seat + 1) % self.forks.len()],
        )
    }
}

/// The pauses around a meal. Real runs sleep; the model checker uses [`Pacing::none`].
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// Time to reach for the second fork while holding the first: the deadlock window.
    pub reach: Duration,
    /// Longest think between meals (each think is random up to this).
    pub think_max: Duration,
    /// Longest back-off after a failed try-lock.
    pub backoff_max: Duration,
    /// What the first reach for the second fork waits for besides the pause.
    pub schedule: Schedule,
}

impl Pacing {
    /// No pauses at all: for model checking, where the checker chooses the interleavings.
    pub fn none() -> Self {
        Self {
            reach: Duration::ZERO,
            think_max: Duration::ZERO,
            backoff_max: Duration::ZERO,
            schedule: Schedule::FreeRunning,
        }
    }

    fn pause(max: Duration, rng: &mut SplitMix64) {
        if !max.is_zero() {
            let micros = rng.below(max.as_micros() as u64 + 1);
            std::thread::sleep(Duration::from_micros(micros));
        } else {
            common::sync::thread::yield_now();
        }
    }
}

/// Eating is a little real work, so a meal costs CPU time, not just a sleep.
fn eat() -> u64 {
    let _eating = info_span!("eating").entered();
    (0..2_000u64).fold(0, |acc, x| std::hint::black_box(acc ^ x.wrapping_mul(31)))
}

/// One philosopher's life: `meals` meals (or until the watchdog says stop), picking up forks by
/// `strategy`. Returns the meals eaten; `Err` if the watchdog broke a deadlock around it.
pub fn dine(
    table: &Table,
    seat: usize,
    strategy: Strategy,
    meals: u64,
    pacing: &Pacing,
    rng: &mut SplitMix64,
    ctx: &WorkerCtx,
) -> Result<u64, Abandoned> {
    let (left, right) = table.forks_of(seat);
    let (left_index, right_index) = (seat, (seat + 1) % table.forks.len());
    let member = left.graph().member();
    let mut forced = match pacing.schedule {
        Schedule::Forced { guard } => Some(guard),
        Schedule::FreeRunning => None,
    };
    // Reaching for the second fork: the first time, under a forced schedule, the whole table
    // meets here first.
    let mut reach = |rng: &mut SplitMix64| {
        if let Some(guard) = forced.take() {
            member.rendezvous(table.forks.len(), guard);
        }
        Pacing::pause(pacing.reach, rng);
    };
    let mut eaten = 0;
    while eaten < meals && !ctx.should_stop() {
        {
            let _thinking = info_span!("thinking").entered();
            Pacing::pause(pacing.think_max, rng);
        }
        match strategy {
            Strategy::LeftThenRight => {
                let _left = take(left, format_args!("fork {left_index}"))?;
                reach(rng);
                let _right = take(right, format_args!("fork {right_index}"))?;
                eat();
            }
            Strategy::Ordered => {
                let _both = {
                    let _waiting = info_span!(
                        "waiting for forks",
                        label = format!("waiting for forks {left_index} and {right_index}")
                    )
                    .entered();
                    lock_in_order(&[left, right])?
                };
                let _holding = info_span!(
                    "holding forks",
                    label = format!("holding forks {left_index} and {right_index}")
                )
                .entered();
                // Same time holding forks as the other strategies, so the timings compare.
                reach(rng);
                eat();
            }
            Strategy::TryLock => {
                let left_fork = take(left, format_args!("fork {left_index}"))?;
                reach(rng);
                let Some(right_fork) = right.try_lock() else {
                    // Put the left fork down before waiting: holding nothing, we block nobody.
                    drop(left_fork);
                    ctx.busy();
                    let _backoff = info_span!("back-off").entered();
                    Pacing::pause(pacing.backoff_max, rng);
                    continue;
                };
                let _right = Held::new(right_fork, format_args!("fork {right_index}"));
                eat();
            }
            Strategy::Arbitrator => {
                let _seat = {
                    let _waiting = info_span!("waiting for a seat").entered();
                    member.waiting_elsewhere(|| table.waiter.sit_down())
                };
                let _left = take(left, format_args!("fork {left_index}"))?;
                reach(rng);
                let _right = take(right, format_args!("fork {right_index}"))?;
                eat();
            }
        }
        eaten += 1;
        ctx.progress();
    }
    Ok(eaten)
}

/// Sets the table for `philosophers` and runs them all under the watchdog.
pub fn run_table(
    philosophers: usize,
    strategy: Strategy,
    meals: u64,
    pacing: Pacing,
    seed: u64,
    budget: Duration,
) -> GroupReport<Result<u64, Abandoned>> {
    let graph = LockGraph::new();
    let table = Arc::new(Table::new(&graph, philosophers));
    // Everyone sits down at once, as in the book, where five threads start together.
    let start = Arc::new(Barrier::new(philosophers));
    let workers = (0..philosophers)
        .map(|seat| {
            let table = Arc::clone(&table);
            let start = Arc::clone(&start);
            worker(format!("philosopher {seat}"), move |ctx: &WorkerCtx| {
                let mut rng = SplitMix64::for_stream(seed, seat as u64);
                start.wait();
                dine(&table, seat, strategy, meals, &pacing, &mut rng, ctx)
            })
        })
        .collect();
    Watchdog::new(budget).with_lock_graph(&graph).run(workers)
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let strategy = config.variant_of::<Strategy>()?;
    let philosophers = config.threads;
    let meals = config.pick(60, 400);
    let pacing = Pacing {
        reach: Duration::from_millis(1),
        // Shorter thinks at bigger tables keep the chance that everyone holds a fork at once
        // (and so the free-running table's deadlock) about the same as at the book's five.
        think_max: Duration::from_micros(15_000 / philosophers as u64),
        backoff_max: Duration::from_millis(1),
        schedule: Schedule::Forced {
            guard: config.budget() / 4,
        },
    };
    let table_with = |pacing: Pacing| {
        run_table(
            philosophers,
            strategy,
            meals,
            pacing,
            config.seed,
            config.budget(),
        )
    };
    let report = table_with(pacing);
    let free_running = match strategy {
        Strategy::LeftThenRight => {
            let runs = config.pick(3, 10);
            let free = Pacing {
                schedule: Schedule::FreeRunning,
                ..pacing
            };
            let deadlocks = (0..runs)
                .filter(|_| matches!(table_with(free).ending, Ending::Deadlock(_)))
                .count();
            Some((deadlocks, runs))
        }
        Strategy::Ordered | Strategy::TryLock | Strategy::Arbitrator => None,
    };

    let table = report.thread_table("Per philosopher", ["philosopher", "meals", "back-offs"]);
    let total_meals = report.total_progress();
    let everyone_ate = report.threads.iter().all(|t| t.progress == meals);

    let mut outcome = match (&report.ending, strategy) {
        (Ending::Deadlock(cycle), Strategy::LeftThenRight) => {
            let mut outcome = config.outcome(Verdict::Showed)
                .line("On the first meal each philosopher, holding its left fork, waited until every philosopher held or waited for a fork: the schedule that closes the circle.")
                .line(format!(
                "Deadlock after {total_meals} meals — every philosopher holds a fork and waits:"
            ));
            for line in cycle.lines() {
                outcome = outcome.line(format!("  {line}"));
            }
            outcome
                .duration("detected after", report.ended_after).as_key()
                .count("meals before the deadlock", total_meals, "meals")
                .notice("a circle of philosophers each holding the left fork: the wait-for cycle closes")
        }
        (Ending::Finished, fix) if fix != Strategy::LeftThenRight && everyone_ate => {
            let backoffs = report.total_activity();
            config.outcome(Verdict::Showed)
                .line(format!(
                    "All {philosophers} philosophers ate {meals} meals each; no deadlock."
                ))
                .duration("total time", report.ended_after).as_key()
                .count("meals", total_meals, "meals")
                .count("back-offs", backoffs, "back-offs")
                .notice(match fix {
                    Strategy::Ordered => "the last philosopher reaches for fork 0 first, so the circle of waits cannot close",
                    Strategy::TryLock => "nobody holds a fork while waiting; the price is back-offs (and, without randomness, livelock)",
                    _ => "with one seat fewer than philosophers, someone seated always has both forks free",
                })
        }
        _ => config
            .outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .count("meals", total_meals, "meals")
            .notice(match strategy {
                Strategy::LeftThenRight => "the table did not deadlock this time",
                _ => "the fixed table did not finish every meal",
            }),
    };
    if let Some((deadlocks, runs)) = free_running {
        outcome = outcome
            .line(format!(
                "Left to the scheduler (no rendezvous), {deadlocks} of {runs} more tables \
                 deadlocked: all must hold their left fork at once, which a busy machine may \
                 not grant."
            ))
            .count("deadlocks free-running", deadlocks, "tables")
            .count("free-running tables", runs, "tables");
    }
    Ok(outcome.table(table))
}
