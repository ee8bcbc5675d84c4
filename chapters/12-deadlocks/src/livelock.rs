//! Livelock: two polite diners share one fork and each defers to the other while the other is
//! hungry — both busy, forever, and nobody eats.
//!
//! Mirrors the book's `Chapter12/example8.py`: two `Spouse` threads, "wife" and "husband", one
//! shared fork. Each, while hungry, checks the partner: if the partner is hungry it politely
//! waits for the partner to eat first; otherwise it takes the fork and eats. Both start hungry,
//! so both defer forever. Unlike a deadlock nothing is blocked: both threads run flat out (the
//! book printed 858 k lines in 4 s), so a wait-for graph sees nothing. What shows it is the
//! progress counters: attempts climb into the millions while meals stay at zero. The watchdog
//! notices that no meal was eaten for a while, reports both threads as "busy without progress",
//! and stops them.
//!
//! The fixes break the symmetry that keeps the two in step:
//! - `priority`: an asymmetric rule — defer only to a partner with the lower seat. The wife
//!   eats first, then the husband. (Under endless hunger this would starve the husband: chapter
//!   13's subject.)
//! - `random-backoff`: politeness with a limit — when the partner is hungry, wait a random while
//!   once, then go for the fork anyway; the fork itself decides who eats first. Randomness keeps
//!   the two from deferring in lockstep, as in Ethernet's back-off.
//!
//! Run: `cargo run -p chapter-12 -- run livelock [--variant broken]`.

use std::sync::Arc;
use std::time::Duration;

use common::deadlock::{Abandoned, LockGraph, TrackedMutex};
use common::rng::SplitMix64;
use common::sync::atomic::{AtomicBool, Ordering};
use common::sync::thread;
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

/// The book's two spouses.
pub const DINERS: [&str; 2] = ["wife", "husband"];

common::variants! {
    /// How a hungry diner treats a hungry partner.
    pub enum Manners {
        /// Always defer to a hungry partner (the book's rule): livelock.
        Polite = "broken": "each defers while the other is hungry",
        /// Defer only to a hungry partner with the lower seat.
        Priority = "priority": "only the lower seat gets deferred to: an asymmetric rule",
        /// Defer once, for a random while, then go for the fork.
        RandomBackoff = "random-backoff": "defer for a random while, then eat if the fork is free",
    }
}

/// What the two diners share: one fork and each one's hunger.
#[derive(Debug)]
pub struct SharedTable {
    /// The one fork.
    pub fork: TrackedMutex<()>,
    /// `hungry[i]`: diner `i` still has meals to eat.
    pub hungry: [AtomicBool; 2],
}

impl SharedTable {
    /// Both diners hungry, the fork on the table.
    pub fn new(graph: &Arc<LockGraph>) -> Self {
        Self {
            fork: graph.mutex("the fork", ()),
            hungry: [AtomicBool::new(true), AtomicBool::new(true)],
        }
    }
}

/// Diner `me` eats `meals` meals (or stops when told to), with the given manners. Every pass
/// through the loop is one attempt (`ctx.busy`); every meal is progress. Returns meals eaten.
pub fn dine(
    table: &SharedTable,
    me: usize,
    manners: Manners,
    meals: u64,
    rng: &mut SplitMix64,
    ctx: &WorkerCtx,
) -> Result<u64, Abandoned> {
    let partner = 1 - me;
    let mut eaten = 0;
    let mut deferred = false;
    while eaten < meals && !ctx.should_stop() {
        ctx.busy();
        if table.hungry[partner].load(Ordering::SeqCst) {
            let defer = match manners {
                Manners::Polite => true,
                Manners::Priority => partner < me,
                Manners::RandomBackoff => !deferred,
            };
            if defer {
                // "You eat first, dear." Then look again.
                if manners == Manners::RandomBackoff {
                    deferred = true;
                    backoff(rng);
                }
                thread::yield_now();
                continue;
            }
        }
        let _fork = table.fork.lock()?;
        eaten += 1;
        deferred = false;
        ctx.progress();
        if eaten == meals {
            table.hungry[me].store(false, Ordering::SeqCst);
        }
    }
    Ok(eaten)
}

/// A random back-off of up to 50 µs (a sleep: waiting is the point); under the model checker
/// only the yield remains.
fn backoff(rng: &mut SplitMix64) {
    let micros = rng.below(50);
    if cfg!(not(shuttle)) {
        std::thread::sleep(Duration::from_micros(micros));
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let manners = config.variant_of::<Manners>()?;
    let meals = config.pick(200, 20_000);
    let graph = LockGraph::new();
    let table = Arc::new(SharedTable::new(&graph));
    let workers = (0..2)
        .map(|me| {
            let table = Arc::clone(&table);
            let seed = config.seed;
            worker(DINERS[me], move |ctx: &WorkerCtx| {
                let mut rng = SplitMix64::for_stream(seed, me as u64);
                dine(&table, me, manners, meals, &mut rng, ctx)
            })
        })
        .collect();
    // A livelock never trips the deadlock detector; the stall detector is what catches it. A
    // fix is judged on finishing its meals, so a loaded machine that leaves a diner without a
    // core for a while is a slow run, not a stall: only the polite diners get the detector.
    let stall_after = match manners {
        Manners::Polite => config.pick(Duration::from_millis(300), Duration::from_secs(1)),
        Manners::Priority | Manners::RandomBackoff => config.budget(),
    };
    let report = Watchdog::new(config.budget())
        .stall_after(stall_after)
        .with_lock_graph(&graph)
        .run(workers);

    let table = report.thread_table("Per diner", ["diner", "meals", "attempts"]);
    let attempts = report.total_activity();
    let total_meals = report.total_progress();
    let livelocked = report.ending == Ending::Stalled
        && total_meals == 0
        && report.threads.iter().all(|t| t.activity_since_progress > 0);

    let outcome = match manners {
        Manners::Polite if livelocked => {
            config.outcome(Verdict::Showed)
                .line(format!(
                    "Livelock: {} and 0 meals in {} — both threads busy, neither blocked.",
                    common::format::counted(attempts, "attempts"),
                    common::timing::human(report.ended_after)
                ))
                .line(report.describe_ending())
                .count("attempts without a meal", attempts, "attempts").as_key()
                .count("meals", 0, "meals")
                .notice("nothing is blocked, so no deadlock detector fires: only the progress counters show it")
        }
        Manners::Priority | Manners::RandomBackoff
            if report.ending == Ending::Finished && total_meals == 2 * meals =>
        {
            config.outcome(Verdict::Showed)
                .line(format!(
                    "Both diners ate {meals} meals in {}.",
                    common::timing::human(report.ended_after)
                ))
                .count("meals", total_meals, "meals").as_key()
                .count("attempts", attempts, "attempts")
                .duration("total time", report.ended_after)
                .notice(if manners == Manners::Priority {
                    "an asymmetric rule breaks the tie: one diner goes first"
                } else {
                    "politeness with a random limit breaks the tie: the fork decides who goes first"
                })
        }
        _ => config.outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .count("meals", total_meals, "meals"),
    };
    Ok(outcome.table(table))
}
