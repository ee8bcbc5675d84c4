//! tokio's synchronization primitives, one small scene each: `Mutex`, `Semaphore`, `Notify`,
//! `watch`, `broadcast`. They look like their thread counterparts, but waiting on them suspends
//! a *task*, not a thread, so the runtime runs other tasks meanwhile.
//!
//! - `mutex`: four tasks each add 1 to a shared counter 25 times, with an `.await` between the
//!   read and the write (standing for a write to a log or a socket). Holding `tokio::sync::Mutex`'s
//!   guard across the `.await` keeps the read-modify-write whole: 100. Releasing the lock before
//!   the `.await` and re-locking to write is the async race: updates are lost (measured). A
//!   `std::sync::MutexGuard` could not even be held there: it is not `Send`, so `tokio::spawn`
//!   rejects the future at compile time.
//! - `semaphore`: nine 20 ms requests, at most three in flight: `gather_limited` (exercise 10.1)
//!   on a `Semaphore`. Peak in flight 3, about 60 ms; plain `join_all` peaks at 9.
//! - `notify`: `notify_one` before anyone waits stores a permit, so a late waiter still wakes
//!   (no lost wake-up); `notify_waiters` wakes only those already waiting.
//! - `watch`: a sender publishes 1..=50; a slow reader sees only some of them, always the latest,
//!   and the last it sees is 50: a watch channel holds one value, for configuration or state.
//! - `broadcast`: every subscriber gets every message — while it keeps up. A subscriber that
//!   falls more than the capacity (8) behind gets `Lagged(n)`, learns how many it missed, and
//!   continues with the oldest message still held.
//!
//! The pauses are sleeps (latency is the subject). The tests run every scene under tokio's paused
//! clock. The book has no async locks (asyncio has `asyncio.Lock`, `Semaphore`, `Event`,
//! `Condition`): this example covers what the issue asks beyond the book.
//!
//! Run: `cargo run -p chapter-10 -- run sync-primitives [--variant broadcast]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict};
use tokio::sync::{Mutex, Notify, broadcast, watch};
use tokio::time::Instant;

use crate::limited_gather::gather_limited;
use crate::support::{block_on_within, current_thread};

common::variants! {
    /// Which primitive's scene runs.
    pub enum Primitive {
        /// `Mutex`: a guard held across `.await`, and one released before it.
        Mutex = "mutex": "a guard held across .await keeps every update; released, updates are lost",
        /// `Semaphore`: nine requests, at most three in flight.
        Semaphore = "semaphore": "nine requests, at most three in flight (exercise 10.1)",
        /// `Notify`: a stored permit, and none.
        Notify = "notify": "notify_one stores a permit; notify_waiters does not",
        /// `watch`: a slow reader of the latest value.
        Watch = "watch": "a slow reader sees only the latest value",
        /// `broadcast`: two prompt subscribers and a laggard.
        Broadcast = "broadcast": "every subscriber gets every message; a laggard gets Lagged(n)",
    }
}

/// Increments per task in the `mutex` scene.
pub const INCREMENTS: usize = 25;
/// Tasks in the `mutex` scene.
pub const TASKS: usize = 4;

/// The `mutex` scene: (final count with the guard held across the await, final count with the
/// lock released across it). Both should be `TASKS * INCREMENTS`; the second is not.
pub async fn mutex_scene() -> anyhow::Result<(usize, usize)> {
    let mut counts = [0; 2];
    for (slot, hold_across_await) in [true, false].into_iter().enumerate() {
        let counter = Arc::new(Mutex::new(0usize));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..TASKS {
            let counter = Arc::clone(&counter);
            set.spawn(async move {
                for _ in 0..INCREMENTS {
                    if hold_across_await {
                        let mut guard = counter.lock().await;
                        let read = *guard;
                        tokio::task::yield_now().await; // e.g. writing the new value to a log
                        *guard = read + 1;
                    } else {
                        let read = *counter.lock().await;
                        tokio::task::yield_now().await; // others run here, with the same read
                        *counter.lock().await = read + 1;
                    }
                }
            });
        }
        while let Some(done) = set.join_next().await {
            done?;
        }
        counts[slot] = *counter.lock().await;
    }
    Ok((counts[0], counts[1]))
}

/// The `semaphore` scene: (peak in flight, elapsed) for `jobs` requests of `pause` each, limited
/// to `limit` at once (or unlimited with `None`, plain `join_all`).
pub async fn semaphore_scene(
    jobs: usize,
    pause: Duration,
    limit: Option<usize>,
) -> (usize, Duration) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let requests: Vec<_> = (0..jobs)
        .map(|_| {
            let in_flight = Arc::clone(&in_flight);
            let peak = Arc::clone(&peak);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(pause).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        })
        .collect();
    let start = Instant::now();
    match limit {
        Some(limit) => {
            gather_limited(requests, limit).await;
        }
        None => {
            futures::future::join_all(requests).await;
        }
    }
    (peak.load(Ordering::SeqCst), start.elapsed())
}

/// The `notify` scene: (a waiter arriving after `notify_one` woke, a waiter arriving after
/// `notify_waiters` woke). Expected: (true, false).
pub async fn notify_scene() -> (bool, bool) {
    let limit = Duration::from_millis(20);
    let notify = Notify::new();
    notify.notify_one(); // nobody waits yet: a permit is stored
    let late_after_one = tokio::time::timeout(limit, notify.notified()).await.is_ok();
    let notify = Notify::new();
    notify.notify_waiters(); // wakes current waiters only: there are none, nothing is stored
    let late_after_waiters = tokio::time::timeout(limit, notify.notified()).await.is_ok();
    (late_after_one, late_after_waiters)
}

/// The `watch` scene: the values a slow reader saw while `updates` values were published.
pub async fn watch_scene(updates: u32) -> anyhow::Result<Vec<u32>> {
    let (tx, mut rx) = watch::channel(0u32);
    let publisher = tokio::spawn(async move {
        for v in 1..=updates {
            tx.send_replace(v);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // `tx` dropped here: the reader's `changed()` then fails and its loop ends.
    });
    let mut seen = Vec::new();
    while rx.changed().await.is_ok() {
        seen.push(*rx.borrow_and_update());
        tokio::time::sleep(Duration::from_millis(7)).await; // a slow reader
    }
    publisher.await?;
    Ok(seen)
}

/// What each subscriber of the `broadcast` scene got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Messages received, in order.
    pub received: Vec<u32>,
    /// Messages it was told it missed (`Lagged`).
    pub missed: u64,
}

/// The message after which the laggard of the `broadcast` scene starts reading: more than the
/// capacity behind, counted, so it lags however slowly the machine runs the 1 ms pauses.
pub const LAGGARD_STARTS_AFTER: u32 = 20;

/// The `broadcast` scene: `messages` messages 1 ms apart to two prompt subscribers and one that
/// starts reading only once [`LAGGARD_STARTS_AFTER`] messages are sent, through a channel of
/// capacity `capacity`.
pub async fn broadcast_scene(messages: u32, capacity: usize) -> anyhow::Result<Vec<Subscriber>> {
    let (tx, _) = broadcast::channel::<u32>(capacity);
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let mut go_tx = Some(go_tx);
    let mut set = tokio::task::JoinSet::new();
    for (i, go) in [None, None, Some(go_rx)].into_iter().enumerate() {
        let mut rx = tx.subscribe();
        set.spawn(async move {
            if let Some(go) = go {
                // Subscribed from the start, but reads nothing until told: its messages pile
                // up in the channel meanwhile.
                let _ = go.await;
            }
            let mut me = Subscriber {
                received: Vec::new(),
                missed: 0,
            };
            loop {
                match rx.recv().await {
                    Ok(m) => me.received.push(m),
                    Err(broadcast::error::RecvError::Lagged(n)) => me.missed += n,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
            (i, me)
        });
    }
    for m in 1..=messages {
        tx.send(m)?;
        if m >= LAGGARD_STARTS_AFTER.min(messages)
            && let Some(go) = go_tx.take()
        {
            let _ = go.send(());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    drop(go_tx);
    drop(tx);
    let mut subs = vec![None, None, None];
    while let Some(done) = set.join_next().await {
        let (i, me) = done?;
        subs[i] = Some(me);
    }
    Ok(subs.into_iter().flatten().collect())
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let runtime = current_thread()?;
    let budget = config.budget();
    let outcome = |showed: bool| config.outcome(Verdict::from(showed));
    match config.variant_of::<Primitive>()? {
        Primitive::Mutex => {
            let (held, released) =
                block_on_within(&runtime, budget, "the mutex scene", mutex_scene())??;
            let expected = TASKS * INCREMENTS;
            let mut table = TableData::new(
                format!(
                    "{TASKS} tasks × {INCREMENTS} increments, an .await between read and write"
                ),
                &["lock", "final count", "expected"],
            );
            table.row([
                "guard held across the .await".to_string(),
                held.to_string(),
                expected.to_string(),
            ]);
            table.row([
                "released before the .await".to_string(),
                released.to_string(),
                expected.to_string(),
            ]);
            Ok(outcome(held == expected && released < expected)
                .table(table)
                .count(
                    "updates lost without the guard across the await",
                    expected - released,
                    "updates",
                )
                .as_key()
                .line("One thread, no data race in Rust's sense — yet updates are lost: every .await is a point where other tasks run.")
                .notice("tokio::sync::Mutex can be held across .await; a std MutexGuard is not Send, so spawn refuses such a future"))
        }
        Primitive::Semaphore => {
            let pause = Duration::from_millis(20);
            let (peak, limited) = block_on_within(
                &runtime,
                budget,
                "limited",
                semaphore_scene(9, pause, Some(3)),
            )?;
            let (peak_all, all) = block_on_within(
                &runtime,
                budget,
                "unlimited",
                semaphore_scene(9, pause, None),
            )?;
            let mut table = TableData::new(
                "nine 20 ms requests",
                &["gathered with", "peak in flight", "took"],
            );
            table.row([
                "gather_limited(3): a Semaphore of 3 permits".to_string(),
                peak.to_string(),
                human(limited),
            ]);
            table.row([
                "join_all (asyncio.gather)".to_string(),
                peak_all.to_string(),
                human(all),
            ]);
            Ok(outcome(peak == 3 && peak_all == 9 && limited >= pause * 3)
                .table(table)
                .count("peak in flight with the semaphore", peak, "requests").as_key()
                .line("The requests are sleeps: latency is the subject.")
                .notice("a Semaphore bounds how many tasks are inside at once: three waves of three, not one burst of nine"))
        }
        Primitive::Notify => {
            let (after_one, after_waiters) =
                block_on_within(&runtime, budget, "notify", notify_scene())?;
            Ok(outcome(after_one && !after_waiters)
                .flag("late waiter woken after notify_one", after_one)
                .as_key()
                .flag("late waiter woken after notify_waiters", after_waiters)
                .line(format!("notify_one() with nobody waiting, then notified(): woke at once: {} (a permit was stored).", common::format::yes_no(after_one)))
                .line(format!("notify_waiters() with nobody waiting, then notified(): woke within 20 ms: {} (nothing stored).", common::format::yes_no(after_waiters)))
                .notice("notify_one stores one permit, so a wake-up sent before the wait is not lost; notify_waiters is for those already waiting"))
        }
        Primitive::Watch => {
            let seen = block_on_within(&runtime, budget, "watch", watch_scene(50))??;
            let shown: Vec<String> = seen.iter().map(u32::to_string).collect();
            let increasing = seen.windows(2).all(|w| w[0] < w[1]);
            Ok(outcome(seen.last() == Some(&50) && seen.len() < 50 && increasing)
                .count("values seen by the slow reader", seen.len(), "values").as_key()
                .count("values published", 50, "values")
                .line(format!("Published 1..=50, 1 ms apart; a reader that takes 7 ms per look saw: {}.", shown.join(", ")))
                .notice("watch keeps only the latest value: a slow reader skips versions but never reads a stale one after a change"))
        }
        Primitive::Broadcast => {
            let subs = block_on_within(&runtime, budget, "broadcast", broadcast_scene(30, 8))??;
            let mut table = TableData::new(
                "30 messages 1 ms apart, channel capacity 8",
                &[
                    "subscriber",
                    "starts reading",
                    "received",
                    "told it missed",
                    "first received",
                ],
            );
            for (i, (s, start)) in subs
                .iter()
                .zip([
                    "at once".to_string(),
                    "at once".to_string(),
                    format!("after message {LAGGARD_STARTS_AFTER}"),
                ])
                .enumerate()
            {
                table.row([
                    i.to_string(),
                    start.to_string(),
                    s.received.len().to_string(),
                    s.missed.to_string(),
                    s.received.first().map_or("-".to_string(), u32::to_string),
                ]);
            }
            let prompt_ok = subs.len() == 3
                && subs[..2]
                    .iter()
                    .all(|s| s.received == (1..=30).collect::<Vec<_>>());
            let slow_lagged = subs
                .get(2)
                .is_some_and(|s| s.missed > 0 && s.received.len() as u64 + s.missed == 30);
            Ok(outcome(prompt_ok && slow_lagged)
                .table(table)
                .count(
                    "messages the slow subscriber missed",
                    subs.get(2).map_or(0, |s| s.missed),
                    "messages",
                )
                .as_key()
                .notice("broadcast delivers every message to every subscriber that keeps up; a laggard is told how many it lost, not blocked on"))
        }
    }
}
