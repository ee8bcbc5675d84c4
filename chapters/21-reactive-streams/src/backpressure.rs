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

use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Variants, Verdict};
use futures::StreamExt;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::{Instant, sleep, sleep_until};
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::sample::sample;
use crate::timeline::since;

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

/// What one strategy kept.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Readings the producer took.
    pub produced: u64,
    /// The ids the subscriber got, in order.
    pub delivered: Vec<u64>,
    /// Drops the mechanism reported (failed `try_send`s, `Lagged` sums); `None` if it reports
    /// none (watch, sample: the count comes from the gaps in the ids).
    pub told_dropped: Option<u64>,
    /// When the producer took its last reading.
    pub producer_done: Duration,
    /// When the subscriber finished its last reading.
    pub consumer_done: Duration,
    /// How old each delivered reading was when the subscriber got it.
    pub ages: Vec<Duration>,
    /// The most readings waiting in the channel at once (`None` where nothing queues in a
    /// channel the producer can see: the sampler drains its input as it goes).
    pub high_water: Option<usize>,
}

impl Tally {
    /// Readings delivered.
    pub fn kept(&self) -> u64 {
        self.delivered.len() as u64
    }

    /// Readings never delivered.
    pub fn lost(&self) -> u64 {
        self.produced - self.kept()
    }

    /// The oldest a reading was when delivered.
    pub fn max_age(&self) -> Duration {
        self.ages.iter().copied().max().unwrap_or_default()
    }

    /// The mean age of delivered readings.
    pub fn mean_age(&self) -> Duration {
        if self.ages.is_empty() {
            return Duration::ZERO;
        }
        self.ages.iter().sum::<Duration>() / self.ages.len() as u32
    }

    /// Ids delivered in increasing order, each once.
    pub fn in_order(&self) -> bool {
        self.delivered.windows(2).all(|w| w[0] < w[1])
    }
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
        Strategy::Buffer | Strategy::DropNewest => {
            let (tx, mut rx) = mpsc::channel::<Item>(settings.capacity);
            let producer = async move {
                let mut dropped = 0u64;
                let mut high = 0usize;
                for id in 0..n {
                    let item = take_reading(start, &settings, id).await;
                    if strategy == Strategy::Buffer {
                        if tx.send(item).await.is_err() {
                            break;
                        }
                    } else if tx.try_send(item).is_err() {
                        dropped += 1;
                    }
                    high = high.max(tx.max_capacity() - tx.capacity());
                }
                (dropped, since(start), high)
            };
            let consumer = async {
                while let Some(item) = rx.recv().await {
                    sub.take(item).await;
                }
            };
            let ((dropped, done, high), ()) = tokio::join!(producer, consumer);
            let told = (strategy == Strategy::DropNewest).then_some(dropped);
            (told, done, Some(high))
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

/// The verdict's checks: (what was checked, did it hold).
pub fn checks(strategy: Strategy, settings: &Settings, t: &Tally) -> Vec<(String, bool)> {
    let mut checks = vec![(
        format!(
            "each delivered reading once, in order; {} kept + {} lost = {} produced",
            t.kept(),
            t.lost(),
            t.produced
        ),
        t.in_order() && t.kept() + t.lost() == t.produced && t.kept() > 0,
    )];
    match strategy {
        Strategy::Buffer => {
            // The subscriber needs `work` per reading, so reading k can only be sent once it has
            // taken k − capacity − 1 of them: a floor on the producer's time, not a speed claim.
            let floor =
                settings.work * (t.produced.saturating_sub(settings.capacity as u64 + 2)) as u32;
            checks.push((
                format!(
                    "nothing lost, but the producer was held back: done after {} ms (≥ {} ms; unhindered it takes {} ms)",
                    t.producer_done.as_millis(),
                    floor.as_millis(),
                    (settings.every * t.produced.saturating_sub(1) as u32).as_millis()
                ),
                t.lost() == 0 && t.producer_done >= floor,
            ));
        }
        Strategy::DropNewest | Strategy::DropOldest => {
            let told = t.told_dropped.unwrap_or(0);
            checks.push((
                format!(
                    "the channel reported {told} dropped, exactly the {} lost",
                    t.lost()
                ),
                told == t.lost() && told > 0,
            ));
        }
        Strategy::Latest | Strategy::Sample => {
            checks.push((
                format!(
                    "{} lost without a word (counted from gaps in the ids); the last reading, #{}, was delivered",
                    t.lost(),
                    t.produced.saturating_sub(1)
                ),
                t.lost() > 0 && t.delivered.last() == Some(&t.produced.saturating_sub(1)),
            ));
        }
    }
    checks
}

/// Every strategy with its variant name, in the order the tour runs them: read off [`Choice`],
/// so `compare` runs exactly the strategies the other variants name.
pub fn strategies() -> impl Iterator<Item = (&'static str, Strategy)> {
    Choice::CASES
        .iter()
        .filter_map(|&choice| Some((choice.name(), choice.strategy()?)))
}

fn table_for(settings: &Settings, produced: u64) -> TableData {
    TableData::new(
        format!(
            "{produced} readings 1 ms apart; the subscriber spends {} ms on each",
            settings.work.as_millis()
        ),
        &[
            "strategy",
            "kept",
            "lost",
            "told of losses",
            "queue high-water",
            "producer done",
            "subscriber done",
            "mean age",
            "max age",
        ],
    )
}

fn add_row(table: &mut TableData, name: &str, t: &Tally) {
    table.row([
        name.to_string(),
        t.kept().to_string(),
        t.lost().to_string(),
        t.told_dropped
            .map_or("no".to_string(), |n| format!("yes ({n})")),
        t.high_water.map_or("—".to_string(), |h| h.to_string()),
        format!("{} ms", t.producer_done.as_millis()),
        format!("{} ms", t.consumer_done.as_millis()),
        format!("{:.1} ms", t.mean_age().as_secs_f64() * 1e3),
        format!("{} ms", t.max_age().as_millis()),
    ]);
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

const REAL_TIME: &str = "Real time (tokio::time): the producer's pace and the subscriber's work are real waits, because latency is the subject.";

/// Runs one variant of the example on a current-thread runtime, in real time.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    // 32 readings in the tour: twice what a channel of 16 holds, in a quarter of the time the
    // subscriber needs for them all, so every strategy has to give something.
    let settings = Settings::new(config.pick(32, 400));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let budget = config.budget();
    let timed_out = || {
        config.outcome(Verdict::DidNotShow).line(format!(
            "The run did not finish within its budget of {} ms: `tokio::time::timeout` ended it.",
            budget.as_millis()
        ))
    };
    let Some(strategy) = config.variant_of::<Choice>()?.strategy() else {
        // The five strategies one after the other, each under its own share of the budget.
        let share = budget / strategies().count() as u32 + budget / 2;
        let mut table = table_for(&settings, settings.items);
        let mut outcome = config
            .outcome(Verdict::Showed)
            .line("Every strategy on the same workload, one after the other.")
            .line(REAL_TIME);
        let mut all_ok = true;
        let mut freshest: Option<(&str, Duration)> = None;
        for (name, strategy) in strategies() {
            let Ok(t) = runtime.block_on(async {
                tokio::time::timeout(share, run_strategy(strategy, settings)).await
            }) else {
                return Ok(timed_out());
            };
            let ok = checks(strategy, &settings, &t).iter().all(|(_, ok)| *ok);
            all_ok &= ok;
            outcome = outcome.line(format!(
                "{} {name} ({}): kept {} of {}, mean age {:.1} ms",
                mark(ok),
                strategy.mechanism(),
                t.kept(),
                t.produced,
                t.mean_age().as_secs_f64() * 1e3
            ));
            if freshest.is_none_or(|(_, age)| t.mean_age() < age) {
                freshest = Some((name, t.mean_age()));
            }
            add_row(&mut table, name, &t);
            outcome = outcome.figure(format!("kept ({name})"), t.kept() as f64, "readings");
            outcome = outcome.figure(
                format!("mean age ({name})"),
                t.mean_age().as_secs_f64() * 1e3,
                "ms",
            );
        }
        let (fresh_name, fresh_age) = freshest.unwrap_or(("none", Duration::ZERO));
        outcome.verdict = Verdict::from(all_ok);
        return Ok(outcome
            .line(format!(
                "Freshest on delivery: {fresh_name}, {:.1} ms old on average.",
                fresh_age.as_secs_f64() * 1e3
            ))
            .table(table)
            .key_figure("freshest mean age", fresh_age.as_secs_f64() * 1e3, "ms")
            .notice("keep everything, leave the producer free, keep the data fresh: no bounded strategy has all three"));
    };

    let Ok(t) = runtime
        .block_on(async { tokio::time::timeout(budget, run_strategy(strategy, settings)).await })
    else {
        return Ok(timed_out());
    };
    let checks = checks(strategy, &settings, &t);
    let showed = checks.iter().all(|(_, ok)| *ok);
    let mut table = table_for(&settings, t.produced);
    add_row(&mut table, config.variant, &t);
    let kept_ids: Vec<String> = t.delivered.iter().take(12).map(u64::to_string).collect();
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .line(format!(
            "Strategy `{}`: {}.",
            config.variant,
            strategy.mechanism()
        ))
        .line(REAL_TIME)
        .line(format!(
            "First ids delivered: {}{}",
            kept_ids.join(", "),
            if t.delivered.len() > 12 { ", …" } else { "" }
        ));
    for (check, ok) in &checks {
        outcome = outcome.line(format!("{} {check}", mark(*ok)));
    }
    let notice = match strategy {
        Strategy::Buffer => {
            "a bounded buffer keeps everything by slowing the producer: fine for a file, stale readings for a sensor"
        }
        Strategy::DropNewest => {
            "dropping the newest keeps the queue's old readings: the subscriber works on stale data"
        }
        Strategy::DropOldest => {
            "dropping the oldest keeps the freshest 16, and Lagged(n) says how many went"
        }
        Strategy::Latest => {
            "conflation: the subscriber always gets the newest reading the moment it is free"
        }
        Strategy::Sample => "sampling: one fresh reading per period, whatever the producer's rate",
    };
    Ok(outcome
        .table(table)
        .key_figure("readings kept", t.kept() as f64, "readings")
        .figure("readings lost", t.lost() as f64, "readings")
        .figure("readings produced", t.produced as f64, "readings")
        .figure(
            "producer done after",
            t.producer_done.as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "subscriber done after",
            t.consumer_done.as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "mean age when delivered",
            t.mean_age().as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "max age when delivered",
            t.max_age().as_secs_f64() * 1e3,
            "ms",
        )
        .notice(notice))
}
