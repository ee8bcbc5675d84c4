//! Backpressure: a fast producer, a slow subscriber, and what each strategy keeps.
//!
//! The producer takes a reading every millisecond; the subscriber spends 4 ms on each (a sleep:
//! its slowness is the subject). Something has to give, and the strategy decides what:
//!
//! - `buffer`: a bounded `tokio::sync::mpsc` channel of 16; a full channel suspends the producer
//!   in `send(..).await`. Nothing is lost, but the producer is slowed to the subscriber's pace —
//!   a real sensor cannot be, so its readings are taken late — and each waits in the queue.
//! - `drop-newest`: the same channel with `try_send`: when it is full, the new reading is dropped
//!   (and counted). The subscriber gets the old ones, a full queue's wait late.
//! - `drop-oldest`: a `tokio::sync::broadcast` channel of 16 overwrites its oldest reading; the
//!   subscriber's next `recv` says `Lagged(n)`: it is told exactly how many it lost.
//! - `latest`: a `tokio::sync::watch` channel holds one reading, the newest; the subscriber takes
//!   whatever is there when it is ready (conflation). Nobody counts the overwritten ones: the gaps
//!   in the sequence numbers do.
//! - `sample`: an unbounded channel read through `sample(10 ms)` (exercise 21.2): one reading per
//!   tick, the freshest.
//!
//! For each: readings produced, delivered, dropped (and whether the mechanism said so), when the
//! producer and the subscriber finished, and how old a reading was when the subscriber got it.
//!
//! ```sh
//! cargo run -p chapter-21 -- run backpressure
//! cargo run -p chapter-21 -- run backpressure --variant drop-oldest --json
//! ```
//!
//! Real time (`tokio::time`); the tests replay every strategy on tokio's paused clock, where the
//! counts are exact (tests/backpressure.rs). No book section: the book has no reactive streams;
//! its producer–consumer queues are chapter 20's, and this builds on its asyncio chapters (9–11).
//!
//! This file is the strategies and the run; what a run kept and the checks on it are
//! `backpressure/tally.rs`, its table, lines and figures `backpressure/report.rs`.

use std::time::Duration;

use common::{Outcome, RunConfig, Variants};
use futures::StreamExt;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::{Instant, sleep, sleep_until};
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::sample::sample;
use crate::timeline::since;

mod report;
mod tally;

pub use tally::{Tally, checks};

/// The strategies, one a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Bounded queue; the producer waits.
    Buffer,
    /// Bounded queue; a reading that finds it full is dropped.
    DropNewest,
    /// Ring buffer; the oldest reading is overwritten, the subscriber told.
    DropOldest,
    /// One slot, always the newest.
    Latest,
    /// The freshest reading once a period.
    Sample,
}

common::variants! {
    /// The example's variants: one strategy, or all five side by side.
    pub enum Choice {
        /// [`Strategy::Buffer`].
        Buffer = "buffer": "bounded mpsc: keeps all, holds the producer back",
        /// [`Strategy::DropNewest`].
        DropNewest = "drop-newest": "bounded mpsc with try_send: a reading that finds the queue full is dropped",
        /// [`Strategy::DropOldest`].
        DropOldest = "drop-oldest": "broadcast ring: the oldest is overwritten, the subscriber told (Lagged)",
        /// [`Strategy::Latest`].
        Latest = "latest": "watch: one slot, always the newest reading (conflation)",
        /// [`Strategy::Sample`].
        Sample = "sample": "the freshest reading every 10 ms (exercise 21.2)",
        /// Every strategy in turn on the same workload.
        Compare = "compare": "all five strategies on one workload, side by side",
    }
}

impl Choice {
    /// The one strategy this variant runs, or `None` for `compare`.
    pub fn strategy(self) -> Option<Strategy> {
        match self {
            Self::Buffer => Some(Strategy::Buffer),
            Self::DropNewest => Some(Strategy::DropNewest),
            Self::DropOldest => Some(Strategy::DropOldest),
            Self::Latest => Some(Strategy::Latest),
            Self::Sample => Some(Strategy::Sample),
            Self::Compare => None,
        }
    }
}

impl Strategy {
    /// What the strategy is made of.
    pub fn mechanism(self) -> &'static str {
        match self {
            Self::Buffer => "mpsc::channel(16), send().await",
            Self::DropNewest => "mpsc::channel(16), try_send",
            Self::DropOldest => "broadcast::channel(16), Lagged(n)",
            Self::Latest => "watch::channel, send_replace",
            Self::Sample => "unbounded + sample(10 ms)",
        }
    }
}

/// The workload.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Readings the producer takes.
    pub items: u64,
    /// One reading every `every`.
    pub every: Duration,
    /// The subscriber's time per reading.
    pub work: Duration,
    /// The channels' capacity (`buffer`, `drop-newest`, `drop-oldest`).
    pub capacity: usize,
    /// The sampling period (`sample`).
    pub period: Duration,
}

impl Settings {
    /// The example's workload: `items` readings, 1 ms apart, 4 ms of work each, capacity 16,
    /// sampling every 10 ms.
    pub fn new(items: u64) -> Self {
        Self {
            items,
            every: Duration::from_millis(1),
            work: Duration::from_millis(4),
            capacity: 16,
            period: Duration::from_millis(10),
        }
    }
}

/// A reading: its sequence number and when it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// 0, 1, 2, … in the order taken.
    pub id: u64,
    /// When it was taken, since the start.
    pub taken: Duration,
}

/// The subscriber's side: records each reading's id and age, then works on it.
struct Subscriber {
    start: Instant,
    work: Duration,
    delivered: Vec<u64>,
    ages: Vec<Duration>,
}

impl Subscriber {
    fn new(start: Instant, settings: &Settings) -> Self {
        Self {
            start,
            work: settings.work,
            delivered: Vec::new(),
            ages: Vec::new(),
        }
    }

    async fn take(&mut self, item: Item) {
        self.delivered.push(item.id);
        self.ages.push(since(self.start).saturating_sub(item.taken));
        sleep(self.work).await;
    }

    /// Takes every reading from a bounded channel until the producer is gone.
    async fn drain(&mut self, mut rx: mpsc::Receiver<Item>) {
        while let Some(item) = rx.recv().await {
            self.take(item).await;
        }
    }
}

/// The producer's clock: waits for reading `id`'s time, then takes it.
async fn take_reading(start: Instant, settings: &Settings, id: u64) -> Item {
    sleep_until(start + settings.every * id as u32).await;
    Item {
        id,
        taken: since(start),
    }
}

/// Runs one strategy, on whatever clock tokio has.
pub async fn run_strategy(strategy: Strategy, settings: Settings) -> Tally {
    let start = Instant::now();
    let mut sub = Subscriber::new(start, &settings);
    let n = settings.items;
    let (told_dropped, producer_done, high_water) = match strategy {
        Strategy::Buffer => {
            let (tx, rx) = mpsc::channel::<Item>(settings.capacity);
            let producer = async move {
                let mut high = 0usize;
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    // A full channel suspends the producer here until the subscriber takes one.
                    if tx.send(item).await.is_err() {
                        break;
                    }
                    high = high.max(tx.max_capacity() - tx.capacity());
                }
                (since(start), high)
            };
            let ((done, high), ()) = tokio::join!(producer, sub.drain(rx));
            (None, done, Some(high))
        }
        Strategy::DropNewest => {
            let (tx, rx) = mpsc::channel::<Item>(settings.capacity);
            let producer = async move {
                let mut dropped = 0u64;
                let mut high = 0usize;
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    // A full channel refuses the reading at once: it is lost, and counted.
                    if tx.try_send(item).is_err() {
                        dropped += 1;
                    }
                    high = high.max(tx.max_capacity() - tx.capacity());
                }
                (dropped, since(start), high)
            };
            let ((dropped, done, high), ()) = tokio::join!(producer, sub.drain(rx));
            (Some(dropped), done, Some(high))
        }
        Strategy::DropOldest => {
            let (tx, mut rx) = broadcast::channel::<Item>(settings.capacity);
            let producer = async move {
                let mut high = 0usize;
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    let _ = tx.send(item);
                    high = high.max(tx.len());
                }
                (since(start), high)
            };
            let consumer = async {
                let mut lagged = 0u64;
                loop {
                    match rx.recv().await {
                        Ok(item) => sub.take(item).await,
                        Err(broadcast::error::RecvError::Lagged(k)) => lagged += k,
                        Err(broadcast::error::RecvError::Closed) => break,
                    }
                }
                lagged
            };
            let ((done, high), lagged) = tokio::join!(producer, consumer);
            (Some(lagged), done, Some(high))
        }
        Strategy::Latest => {
            let (tx, mut rx) = watch::channel::<Option<Item>>(None);
            let producer = async move {
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    tx.send_replace(Some(item));
                }
                since(start)
            };
            let consumer = async {
                // `changed` reports a new value even after the sender is gone, then the end.
                while rx.changed().await.is_ok() {
                    let latest = *rx.borrow_and_update();
                    if let Some(item) = latest {
                        sub.take(item).await;
                    }
                }
            };
            let (done, ()) = tokio::join!(producer, consumer);
            (None, done, Some(1))
        }
        Strategy::Sample => {
            let (tx, rx) = mpsc::unbounded_channel::<Item>();
            let producer = async move {
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    let _ = tx.send(item);
                }
                since(start)
            };
            let consumer = async {
                let mut sampled =
                    std::pin::pin!(sample(UnboundedReceiverStream::new(rx), settings.period));
                while let Some(item) = sampled.next().await {
                    sub.take(item).await;
                }
            };
            let (done, ()) = tokio::join!(producer, consumer);
            (None, done, None)
        }
    };
    Tally {
        produced: n,
        delivered: sub.delivered,
        told_dropped,
        producer_done,
        consumer_done: since(start),
        ages: sub.ages,
        high_water,
    }
}

/// Every strategy with its variant name, in the order the tour runs them: read off [`Choice`],
/// so `compare` runs exactly the strategies the other variants name.
pub fn strategies() -> impl Iterator<Item = (&'static str, Strategy)> {
    Choice::CASES
        .iter()
        .filter_map(|&choice| Some((choice.name(), choice.strategy()?)))
}

/// Runs one variant of the example on a current-thread runtime, in real time.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    // 32 readings in the tour: twice what a channel of 16 holds, in a quarter of the time the
    // subscriber needs for them all, so every strategy has to give something.
    let settings = Settings::new(config.pick(32, 400));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let budget = config.budget();
    match config.variant_of::<Choice>()?.strategy() {
        Some(strategy) => {
            let Ok(t) = runtime.block_on(async {
                tokio::time::timeout(budget, run_strategy(strategy, settings)).await
            }) else {
                return Ok(report::timed_out(config, budget));
            };
            Ok(report::one(config, strategy, &settings, &t))
        }
        None => {
            // The five strategies one after the other, each under its own share of the budget.
            let share = budget / strategies().count() as u32 + budget / 2;
            let mut tallies = Vec::new();
            for (name, strategy) in strategies() {
                let Ok(t) = runtime.block_on(async {
                    tokio::time::timeout(share, run_strategy(strategy, settings)).await
                }) else {
                    return Ok(report::timed_out(config, budget));
                };
                tallies.push((name, strategy, t));
            }
            Ok(report::compare(config, &settings, &tallies))
        }
    }
}
