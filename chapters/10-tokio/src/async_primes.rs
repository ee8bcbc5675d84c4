//! The book's asynchronous prime checker, done right for CPU-bound work: the book's three numbers
//! 9637529763296797, 427920331 and 157, checked synchronously, as tasks that yield, and on
//! `spawn_blocking`.
//!
//! - `sync` (`Chapter10/example3.py`, 1.29 s in the book): one check after another. Here they run
//!   inside a task on a one-thread runtime beside a heartbeat, so the cost to the rest of the
//!   program shows: the heartbeat waits for the whole 16-digit check. 157 is answered last.
//! - `yielding` (`Chapter10/example4.py`, 1.90 s in the book): three tasks on one thread, each
//!   giving the runtime a turn (`yield_now`, Python's `await asyncio.sleep(0)`) every 50,000
//!   divisors. 157 and 427920331 are answered at once and the heartbeat keeps time — but the
//!   total is no shorter: one thread still does all the work (the book's run got slower).
//! - `spawn-blocking` (the right tool): each check on tokio's blocking pool, awaited from tasks of
//!   a one-thread runtime: the heartbeat keeps time, the small numbers come back at once, and on
//!   a machine with more than one core the checks run in parallel.
//!
//! Run: `cargo run --release -p chapter-10 -- run async-primes [--variant yielding]`.

use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict, format};
use tokio::time::Instant;

use crate::blocking::{FREE_TICKS, PERIOD, observe};
use crate::support::{
    BOOK_NUMBERS, block_on_within, current_thread, is_prime, is_prime_yielding, ms,
};

/// The book's yield interval in `example4.py`.
pub const YIELD_EVERY: u64 = 50_000;

common::variants! {
    /// How to run the checks.
    pub enum Style {
        /// One after another, no yielding (example3).
        Sync = "sync": "one check after another, inline (example3)",
        /// A task per number, yielding every `YIELD_EVERY` divisors (example4).
        Yielding = "yielding": "three tasks, yield_now every 50,000 divisors (example4)",
        /// A `spawn_blocking` per number, awaited.
        SpawnBlocking = "spawn-blocking": "each check on spawn_blocking: responsive and parallel",
    }
}

/// Checks `numbers` in `style`; returns (number, prime, finished after) in the order answered.
/// Call inside a tokio runtime.
pub async fn check(
    numbers: &[u64],
    style: Style,
    yield_every: u64,
) -> anyhow::Result<Vec<(u64, bool, Duration)>> {
    let start = Instant::now();
    let mut answers = Vec::new();
    match style {
        Style::Sync => {
            for &n in numbers {
                answers.push((n, is_prime(n), start.elapsed()));
            }
        }
        Style::Yielding => {
            let mut set = tokio::task::JoinSet::new();
            for &n in numbers {
                set.spawn(
                    async move { (n, is_prime_yielding(n, yield_every).await, start.elapsed()) },
                );
            }
            while let Some(done) = set.join_next().await {
                answers.push(done?);
            }
        }
        Style::SpawnBlocking => {
            let mut set = tokio::task::JoinSet::new();
            for &n in numbers {
                set.spawn(async move {
                    let prime = tokio::task::spawn_blocking(move || is_prime(n)).await;
                    prime.map(|p| (n, p, start.elapsed()))
                });
            }
            while let Some(done) = set.join_next().await {
                answers.push(done??);
            }
        }
    }
    answers.sort_by_key(|a| a.2);
    Ok(answers)
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let style = config.variant_of::<Style>()?;
    let runtime = current_thread()?;
    let stall = block_on_within(
        &runtime,
        config.budget() * 2,
        "the prime checks",
        observe(PERIOD, check(&BOOK_NUMBERS, style, YIELD_EVERY)),
    )??;
    let answers = stall.value?;
    let late = stall.heartbeat.worst_late;
    let mut table = TableData::new(
        format!(
            "the book's three numbers, {}",
            match style {
                Style::Sync => "one after another (example3)",
                Style::Yielding => "three tasks yielding every 50,000 divisors (example4)",
                Style::SpawnBlocking => "each on spawn_blocking",
            }
        ),
        &["answered", "number", "prime", "after"],
    );
    for (i, (n, p, at)) in answers.iter().enumerate() {
        table.row([
            (i + 1).to_string(),
            n.to_string(),
            format::yes_no(*p).to_string(),
            human(*at),
        ]);
    }
    // All three of the book's numbers are prime (the book says so, and `executors` checks it
    // one after another): comparing with that known answer spares a second 16-digit check.
    let correct = answers.len() == 3
        && BOOK_NUMBERS
            .iter()
            .all(|n| answers.iter().any(|a| a.0 == *n && a.1));
    let small_first = answers.first().map(|a| a.0) != Some(BOOK_NUMBERS[0])
        && answers.last().map(|a| a.0) == Some(BOOK_NUMBERS[0]);
    let showed = correct
        && match style {
            // Not one heartbeat tick during the checks, and 157 came last.
            Style::Sync => stall.ticks_during_work == 0 && answers.last().map(|a| a.0) == Some(157),
            // The heartbeat kept ticking during the checks, and the small numbers came first.
            Style::Yielding | Style::SpawnBlocking => {
                small_first && stall.ticks_during_work >= FREE_TICKS
            }
        };
    Ok(config.outcome(Verdict::from(showed))
        .table(table)
        .duration("total time", stall.work_time).as_key()
        .figure("worst heartbeat delay", ms(late), "ms")
        .count("heartbeat ticks during the checks", stall.ticks_during_work, "ticks")
        .line("A heartbeat task on the same one-thread runtime asks to wake every 10 ms; its worst delay shows what the checks cost everyone else.")
        .line("Book: 1.29 s sync (example3), 1.90 s with asyncio and sleep(0) (example4), 1.23 s on a process pool (example6).")
        .notice(match style {
            Style::Sync => "checked inline, CPU work holds the only thread: the heartbeat stalls for all of it and 157 waits for the 16-digit prime",
            Style::Yielding => "yielding keeps the runtime responsive and answers 157 at once, but one thread still does all the work: no faster",
            Style::SpawnBlocking => "CPU work belongs off the runtime: spawn_blocking (or rayon) keeps it responsive and can use every core",
        }))
}
