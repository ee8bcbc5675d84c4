//! The pitfall RAII leaves: a guard that lives too long.
//!
//! A guard unlocks when it is dropped — and not before. A guard kept alive across slow work
//! makes every other thread wait for that work, and the threads take turns. Python's `with`
//! block has the same trap (slow work indented inside it); Rust adds a quieter one: a guard that
//! is a *temporary* lives to the end of the enclosing statement, and for a `match` (or a
//! `while let`) that statement is the whole `match`, arms included.
//!
//! Four workers drain a queue of items; each item needs 5 ms of slow work that touches nothing
//! shared. The slow work is a sleep, because latency is the subject here: what matters is who
//! waits for whom, not CPU use.
//!
//! - `held`: `let mut queue = lock(&queue);` at the top of the loop body — the guard is a local
//!   and lives to the end of the body, across the slow work.
//! - `match-temporary`: `match lock(&queue).pop() { Some(item) => slow(item), .. }` — the
//!   guard is a temporary of the scrutinee and lives to the end of the `match`.
//! - `narrowed` (exercise 4.2): `let Some(item) = lock(&queue).pop() else { break };` — the
//!   temporary dies at the `;`, and the slow work runs unlocked.
//!
//! Each slow call counts how many workers are inside at once: 1 at most with the guard held
//! (mutual exclusion guarantees it), usually all four once narrowed.
//!
//! Run: `cargo run -p chapter-4 -- run held-too-long`. Expect: `held` and `match-temporary`
//! take about items × 5 ms with 1 worker inside at a time; `narrowed` about a quarter of that
//! with up to 4 inside.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::sync::{Mutex, lock};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::narrow_scope;

common::variants! {
    /// The three ways to write the worker loop.
    pub enum Scope {
        /// The guard is a local that lives to the end of the loop body.
        Held = "held": "the guard is a local that lives to the end of the loop body",
        /// The guard is a temporary in a `match` scrutinee: it lives to the end of the `match`.
        MatchTemporary = "match-temporary": "`match lock(&queue).pop()`: the temporary guard lives to the end of the match",
        /// The guard dies at the end of the statement that pops the item.
        Narrowed = "narrowed": "take the item in one statement, do the slow work unlocked",
    }
}

/// Drains `queue`, running `slow` on each item and pushing the result to `results`, with the
/// queue's guard scoped as `scope` says.
pub fn work_through(
    scope: Scope,
    queue: &Mutex<Vec<u64>>,
    results: &Mutex<Vec<u64>>,
    slow: &dyn Fn(u64) -> u64,
) {
    match scope {
        Scope::Held => loop {
            let mut pending = lock(queue);
            let Some(item) = pending.pop() else {
                break;
            };
            let result = slow(item); // `pending` is still alive: the queue is locked
            lock(results).push(result);
        }, // `pending` dies here, at the end of each turn
        // Clippy suggests `while let Some(item) = lock(queue).pop() { .. }`: the same trap, as a
        // `while let` scrutinee's temporaries also live through the body.
        #[allow(clippy::while_let_loop)]
        Scope::MatchTemporary => loop {
            match lock(queue).pop() {
                Some(item) => {
                    let result = slow(item); // the scrutinee's guard is still alive
                    lock(results).push(result);
                }
                None => break,
            } // the temporary guard dies here, at the end of the `match`
        },
        Scope::Narrowed => narrow_scope::work_through(queue, results, slow),
    }
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeReport {
    /// How the run ended.
    pub ending: Ending,
    /// Items processed.
    pub processed: usize,
    /// Most workers inside the slow work at once.
    pub most_inside: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

/// Runs `workers` workers over `items` items, each item taking `slow` to process.
pub fn run_scope(
    scope: Scope,
    workers: usize,
    items: u64,
    slow: Duration,
    budget: Duration,
) -> ScopeReport {
    let queue = Arc::new(Mutex::new((0..items).collect::<Vec<_>>()));
    let results = Arc::new(Mutex::new(Vec::new()));
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let group = (0..workers)
        .map(|i| {
            let (queue, results, inside, most) = (
                Arc::clone(&queue),
                Arc::clone(&results),
                Arc::clone(&inside),
                Arc::clone(&most),
            );
            worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                let slow_work = |item: u64| {
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(slow); // latency is the subject
                    inside.fetch_sub(1, Ordering::SeqCst);
                    ctx.progress();
                    item * item
                };
                work_through(scope, &queue, &results, &slow_work);
            })
        })
        .collect();
    let report = Watchdog::new(budget).stall_after(budget / 2).run(group);
    let processed = lock(&results).len();
    ScopeReport {
        ending: report.ending,
        processed,
        most_inside: most.load(Ordering::SeqCst),
        elapsed: report.ended_after,
    }
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let scope = config.variant_of::<Scope>()?;
    let (workers, items, slow) = (4, config.pick(24, 96), Duration::from_millis(5));
    let report = run_scope(scope, workers, items, slow, config.budget());
    let serial = slow * u32::try_from(items).unwrap_or(u32::MAX);
    let mut table = TableData::new(
        "Four workers, one queue, 5 ms of slow work per item (a sleep: latency is the subject)",
        &[
            "guard",
            "items",
            "most inside at once",
            "elapsed",
            "items × 5 ms",
        ],
    );
    table.row([
        scope.to_string(),
        report.processed.to_string(),
        report.most_inside.to_string(),
        common::timing::human(report.elapsed),
        common::timing::human(serial),
    ]);
    let finished = report.ending == Ending::Finished && report.processed as u64 == items;
    let (showed, line, notice) = match scope {
        Scope::Held => (
            finished && report.most_inside == 1,
            "`let mut pending = lock(&queue);` lives to the end of the loop body, across slow().",
            "a guard lives until its scope ends: here that scope includes the slow work",
        ),
        Scope::MatchTemporary => (
            finished && report.most_inside == 1,
            "`match lock(&queue).pop() { .. }`: the scrutinee's temporary guard lives through the arms.",
            "a temporary guard in a match scrutinee lives to the end of the match",
        ),
        Scope::Narrowed => (
            finished && report.most_inside > 1,
            "`let Some(item) = lock(&queue).pop() else { break };`: the guard dies at the `;`.",
            "take what you need under the lock, drop the guard, then do the slow work",
        ),
    };
    Ok(config
        .outcome(Verdict::from(showed))
        .line(line)
        .duration("elapsed", report.elapsed)
        .as_key()
        .count("most inside at once", report.most_inside, "workers")
        .duration("items × slow work", serial)
        .table(table)
        .notice(notice))
}
