//! `select!`, `timeout`, cancellation by dropping a future, and what *cancellation safety* means:
//! a `select!` loop that loses data, and the same loop fixed.
//!
//! In tokio a future does nothing unless polled, so cancelling it is simply dropping it: it stops
//! at its last `.await` and its destructors run. `select!` polls several futures and drops the
//! losers; `timeout` is a `select!` between a future and a sleep. That is cheap and clean — until
//! a dropped future had already taken something it had not yet handed back.
//!
//! Variants:
//! - `select`: two replicas answer after 30 ms and 80 ms (latency is the subject, so sleeps);
//!   `select!` takes the first answer and drops the other, whose drop guard proves it was
//!   cancelled, not left running.
//! - `timeout`: `tokio::time::timeout(50 ms)` around a 200 ms request gives `Err(Elapsed)` at
//!   50 ms; around a 10 ms request it gives the answer.
//! - `cancel-by-drop`: a future dropped halfway stops where it was and runs its cleanup; a
//!   *spawned* task whose `JoinHandle` is dropped keeps running (detached) until `abort`.
//! - `lossy` (broken): a loop `select!`s between `recv_pair` (two `recv().await`s in a row) and a
//!   ticker. When the tick wins after the first `recv` took a value, the future is dropped with
//!   that value inside it: the value is lost. Measured: values sent vs values received.
//! - `cancel-safe` (fixed): the first value is kept in a [`crate::pairing::Pairer`] that outlives
//!   each `select!` round (exercise 10.2), so a cancelled round loses nothing.
//!
//! Python has the same hazard: `asyncio.wait_for` cancels its task, and a coroutine cancelled
//! between two awaits loses whatever its locals held. The book (`Chapter10`) only uses
//! `asyncio.wait`; this example covers what the issue asks beyond it.
//!
//! Run: `cargo run -p chapter-10 -- run select-timeout [--variant lossy]`. The tests run the
//! same loops under tokio's paused clock, where the lossy loop's loss is deterministic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict, format};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::pairing::Pairer;
use crate::support::{block_on_within, current_thread};

common::variants! {
    /// The scene: a race, a timeout, a drop, and the pairing loop without and with a fix.
    pub enum Scene {
        /// `select!` between two replicas.
        Select = "select": "first of two replicas wins; the other future is dropped",
        /// `timeout` around a slow and a fast request.
        Timeout = "timeout": "timeout(50 ms) around a 200 ms and a 10 ms request",
        /// A dropped future, and a detached task that is not.
        CancelByDrop = "cancel-by-drop": "a dropped future stops; a detached task runs on until abort()",
        /// The pairing loop with [`recv_pair`]: values are lost.
        Lossy = "lossy": "select! over two recv()s in one future: a tick loses the first value",
        /// The pairing loop with the [`Pairer`]: nothing is lost.
        CancelSafe = "cancel-safe": "the half pair kept outside the future (exercise 10.2): nothing lost",
    }
}

/// Sets its flag when dropped: proof that a future (and what it owned) was dropped.
struct DropGuard(Arc<AtomicBool>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A request to a replica that answers after `latency`; `dropped` turns true if it is cancelled.
async fn replica(name: &'static str, latency: Duration, dropped: Arc<AtomicBool>) -> &'static str {
    let _guard = DropGuard(dropped);
    tokio::time::sleep(latency).await;
    name
}

/// What `select` observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Race {
    /// The replica that answered first.
    pub winner: &'static str,
    /// When it answered.
    pub elapsed: Duration,
    /// Whether the loser's future was dropped.
    pub loser_dropped: bool,
}

/// `select!` between a fast and a slow replica.
pub async fn race(fast: Duration, slow: Duration) -> Race {
    let start = Instant::now();
    let fast_dropped = Arc::new(AtomicBool::new(false));
    let slow_dropped = Arc::new(AtomicBool::new(false));
    let winner = tokio::select! {
        // `biased`: poll the branches in order. Normally only one is ready at a time anyway; on
        // a stalled machine both sleeps may have expired by the first poll, and then the faster
        // replica (which did answer first) still wins instead of a random pick.
        biased;
        name = replica("replica 1", fast, Arc::clone(&fast_dropped)) => name,
        name = replica("replica 2", slow, Arc::clone(&slow_dropped)) => name,
    };
    Race {
        winner,
        elapsed: start.elapsed(),
        loser_dropped: slow_dropped.load(Ordering::SeqCst),
    }
}

/// `timeout` around a request of `latency` with `limit`: the answer, or how long it waited.
pub async fn with_timeout(
    latency: Duration,
    limit: Duration,
) -> (Result<&'static str, String>, Duration) {
    let start = Instant::now();
    let dropped = Arc::new(AtomicBool::new(false));
    let result = tokio::time::timeout(limit, replica("answer", latency, dropped))
        .await
        .map_err(|e| e.to_string());
    (result, start.elapsed())
}

/// What `cancel-by-drop` observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// Steps the dropped future had done when it was dropped.
    pub future_steps_at_drop: u32,
    /// Steps it had done a while later (the same: it no longer runs).
    pub future_steps_later: u32,
    /// Its cleanup ran.
    pub future_cleaned_up: bool,
    /// Steps a detached task did after its handle was dropped (it keeps going).
    pub detached_steps_after_drop: u32,
    /// Whether `abort` finally stopped it.
    pub detached_aborted: bool,
}

async fn stepper(steps: Arc<AtomicU32>, dropped: Arc<AtomicBool>) {
    let _guard = DropGuard(dropped);
    loop {
        tokio::time::sleep(Duration::from_millis(5)).await;
        steps.fetch_add(1, Ordering::SeqCst);
    }
}

/// Drops a future partway, and drops a spawned task's handle partway.
pub async fn drop_midway() -> Dropped {
    let steps = Arc::new(AtomicU32::new(0));
    let cleaned = Arc::new(AtomicBool::new(false));
    {
        let future = stepper(Arc::clone(&steps), Arc::clone(&cleaned));
        // Poll it for 32 ms, then the timeout drops it (a timeout is a select! with a sleep).
        let _ = tokio::time::timeout(Duration::from_millis(32), future).await;
    }
    let at_drop = steps.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(30)).await;
    let later = steps.load(Ordering::SeqCst);

    let task_steps = Arc::new(AtomicU32::new(0));
    let task_cleaned = Arc::new(AtomicBool::new(false));
    let handle = tokio::spawn(stepper(Arc::clone(&task_steps), Arc::clone(&task_cleaned)));
    let abort = handle.abort_handle();
    drop(handle); // detaches: the task is owned by the runtime, not by the handle
    let before = task_steps.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(32)).await;
    let detached_steps_after_drop = task_steps.load(Ordering::SeqCst) - before;
    abort.abort();
    // Give the runtime a turn to drop the aborted task.
    tokio::time::sleep(Duration::from_millis(1)).await;
    Dropped {
        future_steps_at_drop: at_drop,
        future_steps_later: later,
        future_cleaned_up: cleaned.load(Ordering::SeqCst),
        detached_steps_after_drop,
        detached_aborted: task_cleaned.load(Ordering::SeqCst),
    }
}

/// Receives two values in a row. NOT cancellation safe: dropped between its two awaits, it loses
/// the first value, which lives only in this future's state.
pub async fn recv_pair(rx: &mut mpsc::Receiver<u64>) -> Option<(u64, u64)> {
    let first = rx.recv().await?;
    let second = rx.recv().await?;
    Some((first, second))
}

/// Settings of the pairing loop.
#[derive(Debug, Clone, Copy)]
pub struct PairingLoop {
    /// Values the producer sends: 0, 1, 2, ...
    pub values: u64,
    /// Pause between two sends.
    pub gap: Duration,
    /// Period of the ticker that competes in the `select!`.
    pub tick: Duration,
    /// Use the cancel-safe [`Pairer`] instead of [`recv_pair`].
    pub cancel_safe: bool,
}

/// What the loop received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairs {
    /// Every value received, in order.
    pub received: Vec<u64>,
    /// Ticks handled.
    pub ticks: u64,
}

impl Pairs {
    /// Values sent but never received.
    pub fn lost(&self, sent: u64) -> Vec<u64> {
        (0..sent).filter(|v| !self.received.contains(v)).collect()
    }
}

/// A producer sends `values` values `gap` apart, and a loop `select!`s between receiving a pair
/// and a ticker. Call inside a tokio runtime (a paused clock in tests).
pub async fn pairing_loop(settings: PairingLoop) -> Pairs {
    let (tx, mut rx) = mpsc::channel(16);
    let producer = tokio::spawn(async move {
        for v in 0..settings.values {
            if tx.send(v).await.is_err() {
                return;
            }
            tokio::time::sleep(settings.gap).await;
        }
    });
    let mut ticker = tokio::time::interval(settings.tick);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pairer = Pairer::new();
    let mut pairs = Pairs {
        received: Vec::new(),
        ticks: 0,
    };
    loop {
        // Each round builds a fresh pairing future; when the tick wins, that future is dropped.
        let next = async {
            if settings.cancel_safe {
                pairer.next_pair(&mut rx).await
            } else {
                recv_pair(&mut rx).await
            }
        };
        tokio::select! {
            pair = next => match pair {
                Some((a, b)) => pairs.received.extend([a, b]),
                None => break,
            },
            _ = ticker.tick() => pairs.ticks += 1,
        }
    }
    // An odd count leaves one value waiting for its partner; a correct loop still has it.
    pairs.received.extend(pairer.take_pending());
    let _ = producer.await;
    pairs
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let runtime = current_thread()?;
    let budget = config.budget();
    let ms = Duration::from_millis;
    match config.variant_of::<Scene>()? {
        Scene::Select => {
            let r = block_on_within(&runtime, budget, "the race", race(ms(30), ms(80)))?;
            // Counted facts, not the clock: the faster replica won and the slower one's future
            // was dropped (its guard says so). The elapsed time is reported, not judged.
            let showed = r.winner == "replica 1" && r.loser_dropped;
            Ok(config.outcome(Verdict::from(showed))
                .duration("first answer after", r.elapsed).as_key()
                .line(format!(
                    "select! between replica 1 (30 ms) and replica 2 (80 ms): {} answered after {}; replica 2's future was dropped: {}.",
                    r.winner,
                    human(r.elapsed),
                    format::yes_no(r.loser_dropped)
                ))
                .line("The replicas are sleeps: latency is the subject.")
                .notice("select! returns with the first branch to finish and drops the others: that drop is their cancellation"))
        }
        Scene::Timeout => {
            let (slow, slow_t) =
                block_on_within(&runtime, budget, "timeout", with_timeout(ms(200), ms(50)))?;
            let (fast, fast_t) =
                block_on_within(&runtime, budget, "timeout", with_timeout(ms(10), ms(50)))?;
            let mut table = TableData::new(
                "tokio::time::timeout(50 ms, request)",
                &["request takes", "result", "returned after"],
            );
            let words = |result: &Result<&str, String>| match result {
                Ok(answer) => answer.to_string(),
                Err(e) => format!("error: {e}"),
            };
            table.row(["200 ms".to_string(), words(&slow), human(slow_t)]);
            table.row(["10 ms".to_string(), words(&fast), human(fast_t)]);
            // `Err(Elapsed)` is the fact: the 200 ms request was given up, not waited for.
            let showed = slow.is_err() && fast == Ok("answer");
            Ok(config
                .outcome(Verdict::from(showed))
                .table(table)
                .duration("timed-out request returned after", slow_t)
                .as_key()
                .notice(
                    "a timeout does not stop work by force: it drops the future at its next .await",
                ))
        }
        Scene::CancelByDrop => {
            let d = block_on_within(&runtime, budget, "drop", drop_midway())?;
            let showed = d.future_steps_at_drop > 0
                && d.future_steps_later == d.future_steps_at_drop
                && d.future_cleaned_up
                && d.detached_steps_after_drop > 0
                && d.detached_aborted;
            Ok(config.outcome(Verdict::from(showed))
                .count(
                    "steps of the dropped future after its drop",
                    d.future_steps_later - d.future_steps_at_drop,
                    "steps",
                )
                .as_key()
                .count(
                    "steps of the detached task after its handle was dropped",
                    d.detached_steps_after_drop,
                    "steps",
                )
                .line(format!(
                    "A future stepping every 5 ms, dropped at 32 ms after {} steps: 30 ms later it still has {}; its cleanup ran: {}.",
                    d.future_steps_at_drop,
                    d.future_steps_later,
                    format::yes_no(d.future_cleaned_up)
                ))
                .line(format!(
                    "A spawned task whose JoinHandle was dropped kept going ({} steps in 32 ms) until abort() (cleanup ran: {}).",
                    d.detached_steps_after_drop,
                    format::yes_no(d.detached_aborted)
                ))
                .notice("dropping a future cancels it; dropping a JoinHandle does not cancel the task — abort() does"))
        }
        Scene::Lossy => pairing(config, &runtime, false),
        Scene::CancelSafe => pairing(config, &runtime, true),
    }
}

/// `lossy` and `cancel-safe`: the pairing loop, with the [`Pairer`] if `cancel_safe`.
fn pairing(config: &RunConfig, runtime: &Runtime, cancel_safe: bool) -> anyhow::Result<Outcome> {
    let ms = Duration::from_millis;
    let settings = PairingLoop {
        // 50 values in the tour: some 15 ticks race the pairs, and each can cut one.
        values: config.pick(50, 400),
        gap: ms(1),
        tick: ms(3),
        cancel_safe,
    };
    let pairs = block_on_within(
        runtime,
        config.budget(),
        "the pairing loop",
        pairing_loop(settings),
    )?;
    let lost = pairs.lost(settings.values);
    let showed = if cancel_safe {
        lost.is_empty() && pairs.received.len() as u64 == settings.values
    } else {
        !lost.is_empty()
    };
    let shown: Vec<String> = lost.iter().take(8).map(u64::to_string).collect();
    Ok(config.outcome(Verdict::from(showed))
        .count("values lost", lost.len(), "values").as_key()
        .count("values sent", settings.values, "values")
        .count("values received", pairs.received.len(), "values")
        .count("ticks handled", pairs.ticks, "ticks")
        .line(format!(
            "A producer sends {} values 1 ms apart; the loop select!s between receiving a pair and a 3 ms ticker.",
            settings.values
        ))
        .line(if cancel_safe {
            "The first value of a pair waits in a Pairer outside the select!, so a round cancelled by the ticker loses nothing.".to_string()
        } else {
            format!(
                "Lost (the first value of a pair, inside a future the tick cancelled): {}{}",
                shown.join(", "),
                if lost.len() > shown.len() { ", ..." } else { "" }
            )
        })
        .notice(if cancel_safe {
            "cancellation safe: state that must survive a cancelled round lives outside the future"
        } else {
            "recv() alone is cancellation safe, two recv()s in one future are not: the first value dies with the dropped future"
        }))
}
