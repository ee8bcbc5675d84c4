//! Reading a deadlock report: a program with a hidden lock-order cycle, and what the detector
//! says about it — which thread holds what, and waits for what.
//!
//! The book's chapter 19 closes with debugging: when a concurrent program hangs, find out what
//! every thread holds and what it waits for. Here three threads move money between three
//! accounts, each through the same innocent `transfer(from, to)`: lock the source account, then
//! the destination. No single function is wrong, and no two of the three threads can deadlock on
//! their own. But `payroll` sends alice → bob, `refunds` sends bob → carol and `fees` sends
//! carol → alice: when each holds its source, each waits for the next one's — a cycle through all
//! three. The book's Python would hang; here `common`'s detector (a wait-for graph fed by the
//! tracked mutexes, checked by the watchdog) prints the cycle and releases the threads.
//!
//! How to read the report: each line is one thread, "T holds L and waits for M (held by U)".
//! Follow "held by" from line to line: it comes back to the first thread, so nobody on the cycle
//! can move. The fix follows from the lines: all three threads lock accounts in *different*
//! orders (alice before bob, bob before carol, carol before alice). One global order breaks it:
//! the `ordered` variant locks the lower-numbered account first. Money is conserved either way.
//!
//! Holding the source lock, a transfer pauses 2 ms before taking the destination (the window in
//! which the cycle forms; a sleep, since the timing is the subject). Left to the scheduler, the
//! cycle forms only if all three threads hold their source inside that pause, which a machine
//! whose cores are busy may not grant; so in the run the verdict rests on, the first transfer's
//! pause is forced ([`common::deadlock::rendezvous`]): each thread, holding its first account,
//! waits there until every thread holds or waits for an account (or is done). `hidden-cycle`
//! then deadlocks on any machine and `ordered` passes through; a few more `hidden-cycle` runs
//! left to the scheduler are a figure beside it.
//!
//! Run: `cargo run -p chapter-19 -- run deadlock-debugging` (both) or `--variant hidden-cycle`.
//! Expect: `hidden-cycle` reports the three-line cycle within a few ms; `ordered` finishes every
//! transfer with the total unchanged.

use std::sync::Arc;
use std::time::Duration;

use common::deadlock::rendezvous::Schedule;
use common::deadlock::{Abandoned, LockGraph, TrackedMutex};
use common::watchdog::{Ending, GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

/// The accounts' owners, by account number.
pub const ACCOUNTS: [&str; 3] = ["alice", "bob", "carol"];
/// The threads, and the transfer each repeats: (thread, from, to).
pub const TRANSFERS: [(&str, usize, usize); 3] =
    [("payroll", 0, 1), ("refunds", 1, 2), ("fees", 2, 0)];
/// Each account's opening balance.
pub const OPENING: i64 = 1_000;

common::variants! {
    /// The two variants.
    pub enum LockOrder {
        /// Source first, then destination: the hidden cycle.
        SourceFirst = "hidden-cycle": "each transfer locks its source account, then its destination",
        /// Lower account number first: one global order.
        LowerFirst = "ordered": "each transfer locks the lower-numbered account first",
    }
}

/// The bank: one tracked lock per account.
pub fn open_accounts(graph: &Arc<LockGraph>) -> Arc<[TrackedMutex<i64>; 3]> {
    Arc::new(ACCOUNTS.map(|name| graph.mutex(format!("account {name}"), OPENING)))
}

/// Moves `amount` from one account to another, taking both locks in `order`; `pause` runs
/// while the first lock is held.
pub fn transfer(
    accounts: &[TrackedMutex<i64>; 3],
    from: usize,
    to: usize,
    amount: i64,
    order: LockOrder,
    pause: &dyn Fn(),
) -> Result<(), Abandoned> {
    let (first, second) = match order {
        LockOrder::SourceFirst => (from, to),
        LockOrder::LowerFirst => (from.min(to), from.max(to)),
    };
    let mut a = accounts[first].lock()?;
    pause();
    let mut b = accounts[second].lock()?;
    let (source, destination) = if first == from {
        (&mut *a, &mut *b)
    } else {
        (&mut *b, &mut *a)
    };
    *source -= amount;
    *destination += amount;
    Ok(())
}

/// Runs the three threads, `rounds` transfers each, under the watchdog; `schedule` says what
/// the first transfer's pause waits for.
pub fn run_bank(
    order: LockOrder,
    rounds: u64,
    pause: Duration,
    schedule: Schedule,
    budget: Duration,
) -> (GroupReport<Result<(), Abandoned>>, i64) {
    let graph = LockGraph::new();
    let accounts = open_accounts(&graph);
    let workers = TRANSFERS
        .iter()
        .map(|&(name, from, to)| {
            let (graph, accounts) = (Arc::clone(&graph), Arc::clone(&accounts));
            worker(name, move |ctx: &WorkerCtx| {
                let member = graph.member();
                for round in 0..rounds {
                    transfer(&accounts, from, to, 10, order, &|| {
                        if let (Schedule::Forced { guard }, 0) = (schedule, round) {
                            member.rendezvous(TRANSFERS.len(), guard);
                        }
                        std::thread::sleep(pause)
                    })?;
                    ctx.progress();
                }
                Ok(())
            })
        })
        .collect();
    let report = Watchdog::new(budget)
        .stall_after(budget)
        .with_lock_graph(&graph)
        .run(workers);
    // After a deadlock the graph is aborted and locks refuse (the total then reads 0): only a
    // finished run's total means anything.
    let total = accounts.iter().map(|a| a.lock().map_or(0, |v| *v)).sum();
    (report, total)
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let order = config.variant_of::<LockOrder>()?;
    let rounds = config.pick(20, 100);
    let pause = Duration::from_millis(2);
    let forced = Schedule::Forced {
        guard: config.budget() / 2,
    };
    let (report, total) = run_bank(order, rounds, pause, forced, config.budget());
    let free_running = match order {
        LockOrder::SourceFirst => {
            let runs = config.pick(5, 20);
            let cycles = (0..runs)
                .filter(|_| {
                    let free =
                        run_bank(order, rounds, pause, Schedule::FreeRunning, config.budget());
                    matches!(free.0.ending, Ending::Deadlock(_))
                })
                .count();
            Some((cycles, runs))
        }
        LockOrder::LowerFirst => None,
    };

    let mut table = TableData::new(
        "Each thread (transfers repeat `rounds` times)",
        &[
            "thread",
            "transfers",
            "locks taken",
            "done",
            "state at the end",
        ],
    );
    for (thread, &(_, from, to)) in report.threads.iter().zip(&TRANSFERS) {
        let (first, second) = match order {
            LockOrder::SourceFirst => (from, to),
            LockOrder::LowerFirst => (from.min(to), from.max(to)),
        };
        table.row([
            thread.name.clone(),
            format!("{} -> {}", ACCOUNTS[from], ACCOUNTS[to]),
            format!("{} then {}", ACCOUNTS[first], ACCOUNTS[second]),
            thread.progress.to_string(),
            thread.state().to_string(),
        ]);
    }

    let mut outcome = match (&report.ending, order) {
        (Ending::Deadlock(cycle), LockOrder::SourceFirst) => {
            let mut outcome = config.outcome(Verdict::Showed)
                .line("In the first transfer's pause each thread, holding its source, waited until every thread held or waited for an account: the schedule that closes the cycle.")
                .line("The detector's report — one line per thread on the cycle:");
            for line in cycle.lines() {
                outcome = outcome.line(format!("  {line}"));
            }
            let first = &cycle.links[0].thread;
            outcome
                .line(format!(
                    "Reading it: follow \"held by\" from line to line — {} threads, and the last line's holder is {first} again: a cycle, so none of them can ever move.",
                    cycle.links.len()
                ))
                .line("Each thread takes its locks in a different order (its source first); the fix is one global order for everyone.")
                .count("threads on the cycle", cycle.links.len(), "threads").as_key()
                .duration("detected after", report.ended_after)
                .notice("no function is wrong on its own: the cycle only appears across threads, which is why the wait-for report, not the code, is where to start")
        }
        (Ending::Finished, LockOrder::LowerFirst)
            if report.total_progress() == 3 * rounds && total == 3 * OPENING =>
        {
            config.outcome(Verdict::Showed)
                .line("Every transfer locks the lower-numbered account first: all threads finished.")
                .count("transfers done", report.total_progress(), "transfers").as_key()
                .figure("total money (conserved)", total as f64, "")
                .duration("time", report.ended_after)
                .notice("with one global lock order, \"holds A, waits for B\" only ever points up the order, so it cannot come back round")
        }
        _ => config.outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .notice(match order {
                LockOrder::SourceFirst => "the cycle did not form this time",
                LockOrder::LowerFirst => "the ordered transfers did not all finish",
            }),
    };
    if let Some((cycles, runs)) = free_running {
        outcome = outcome
            .line(format!(
                "Left to the scheduler (no rendezvous), {cycles} of {runs} more runs deadlocked: \
                 all three must hold their source inside a {} pause, which a busy machine may \
                 not grant.",
                common::format::duration(pause)
            ))
            .count("deadlocks free-running", cycles, "runs")
            .count("free-running runs", runs, "runs");
    }
    Ok(outcome.table(table))
}
