//! Hot and cold streams: who gets which items, and what a late or slow subscriber misses.
//!
//! A **cold** stream does nothing until someone subscribes, and each subscriber gets its own run
//! from the first item: a recording played back (here: [`crate::timeline::cold_sensor`], started
//! once per subscriber). A **hot** stream runs whether anyone listens or not, and every subscriber
//! shares the one run: a live broadcast (here: one sensor task sending into a
//! `tokio::sync::broadcast` channel). A late subscriber to a hot stream misses what came before it
//! subscribed — and is not told. A subscriber that falls behind by more than the channel's
//! capacity loses the oldest items, and *is* told how many: `BroadcastStream` yields
//! `Err(Lagged(n))`.
//!
//! Variants:
//! - `cold`: subscriber A at 0 ms, B at 120 ms; both get every reading; the sensor starts twice.
//! - `hot`: the same two subscribers on one broadcast; B gets only the readings after 120 ms.
//! - `lagging`: a fast and a slow subscriber (47 ms of work a reading: a sleep, because latency is
//!   the subject) on a broadcast of capacity 4; the slow one is told it lagged, and by how much.
//!
//! ```sh
//! cargo run -p chapter-21 -- run hot-and-cold
//! cargo run -p chapter-21 -- run hot-and-cold --variant lagging --json
//! ```
//!
//! Real time (`tokio::time`); the tests replay every variant on tokio's paused clock
//! (tests/hot_and_cold.rs). No book section: the book has no reactive streams; this builds on its
//! asyncio chapters (9–11).
//!
//! This file is the two kinds of stream and their subscribers; the checks on a run and its
//! lanes, table and figures are `hot_and_cold/report.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Outcome, RunConfig, Verdict};
use futures::StreamExt;
use tokio::sync::broadcast;
use tokio::time::{Instant, sleep, sleep_until};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use crate::timeline::{Event, Reading, Schedule, cold_sensor, collect_timed, since};

mod report;

pub use report::checks;

/// The sensor's tick.
pub const TICK: Duration = Duration::from_millis(10);
/// When subscriber B subscribes in `cold` and `hot`.
pub const LATE: Duration = Duration::from_millis(120);
/// The broadcast channel's capacity in `hot` (ample) and `lagging` (small).
pub const ROOMY: usize = 64;
/// The broadcast channel's capacity in `lagging`.
pub const TIGHT: usize = 4;
/// The slow subscriber's work per reading in `lagging`.
pub const SLOW_WORK: Duration = Duration::from_millis(47);

common::variants! {
    /// The three variants.
    pub enum Temperature {
        /// Each subscriber gets its own run.
        Cold = "cold": "each subscriber starts its own run; B, 120 ms late, still gets all",
        /// One run, shared; B subscribes late.
        Hot = "hot": "one broadcast run; B, 120 ms late, misses the first readings and is not told",
        /// One run, shared; B is slow and the channel small.
        Lagging = "lagging": "broadcast of 4 and a slow subscriber: it loses the oldest and is told how many (Lagged)",
    }
}

/// What a subscriber received: a reading, or word that it missed `n` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A reading.
    Reading(Reading),
    /// The channel dropped this many of the oldest readings before this subscriber got them.
    Missed(u64),
}

/// One subscriber's view.
#[derive(Debug, Clone)]
pub struct Subscriber {
    /// `A` or `B`.
    pub name: &'static str,
    /// When it subscribed.
    pub subscribed_at: Duration,
    /// What it received, stamped when it received it.
    pub received: Vec<Event<Received>>,
}

impl Subscriber {
    /// The readings' values, in order.
    pub fn values(&self) -> Vec<i64> {
        self.received
            .iter()
            .filter_map(|e| match &e.value {
                Received::Reading(r) => Some(r.value),
                Received::Missed(_) => None,
            })
            .collect()
    }

    /// The readings themselves.
    pub fn readings(&self) -> Vec<Event<Reading>> {
        self.received
            .iter()
            .filter_map(|e| match &e.value {
                Received::Reading(r) => Some(Event::new(e.at, r.clone())),
                Received::Missed(_) => None,
            })
            .collect()
    }

    /// How many readings the channel said this subscriber missed (the sum of its `Lagged`).
    pub fn told_missed(&self) -> u64 {
        self.received
            .iter()
            .map(|e| match e.value {
                Received::Missed(n) => n,
                Received::Reading(_) => 0,
            })
            .sum()
    }
}

/// What a run showed.
#[derive(Debug, Clone)]
pub struct HotColdRun {
    /// How many times the sensor started its schedule.
    pub sensor_starts: usize,
    /// The readings of the (first) sensor run, as taken.
    pub taken: Vec<Reading>,
    /// Subscribers A and B.
    pub subscribers: [Subscriber; 2],
    /// When the run ended.
    pub ended: Duration,
}

/// Runs the one sensor task of a hot stream: takes each reading on schedule and broadcasts it,
/// listened to or not. Returns the readings taken.
async fn hot_sensor(
    schedule: Schedule,
    start: Instant,
    tx: broadcast::Sender<Reading>,
    starts: Arc<AtomicUsize>,
) -> Vec<Reading> {
    starts.fetch_add(1, Ordering::SeqCst);
    let mut taken = Vec::new();
    for &(offset, value) in &schedule.readings {
        sleep_until(start + offset).await;
        let reading = Event::new(since(start), value);
        // `send` fails only when nobody is subscribed: a hot source does not care.
        let _ = tx.send(reading.clone());
        taken.push(reading);
    }
    sleep_until(start + schedule.closes_at).await;
    taken
}

/// Drains a broadcast receiver, recording readings and `Lagged` notices; `work` is spent on
/// each reading (a sleep: the subscriber's slowness is the subject).
async fn listen(
    rx: broadcast::Receiver<Reading>,
    start: Instant,
    work: Duration,
) -> Vec<Event<Received>> {
    let mut stream = BroadcastStream::new(rx);
    let mut got = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(reading) => {
                got.push(Event::new(since(start), Received::Reading(reading)));
                if !work.is_zero() {
                    sleep(work).await;
                }
            }
            Err(BroadcastStreamRecvError::Lagged(n)) => {
                got.push(Event::new(since(start), Received::Missed(n)));
            }
        }
    }
    got
}

/// Runs one variant on `schedule`, on whatever clock tokio has.
pub async fn run_hot_cold(kind: Temperature, schedule: Schedule) -> HotColdRun {
    let start = Instant::now();
    let starts = Arc::new(AtomicUsize::new(0));
    let (taken, a, b) = match kind {
        Temperature::Cold => cold(&schedule, start, &starts).await,
        // Room to spare, and B subscribes late: it misses the start.
        Temperature::Hot => hot(schedule, start, &starts, ROOMY, LATE, Duration::ZERO).await,
        // B subscribes at once but is slow, and the channel is small: it falls behind.
        Temperature::Lagging => {
            hot(schedule, start, &starts, TIGHT, Duration::ZERO, SLOW_WORK).await
        }
    };
    HotColdRun {
        sensor_starts: starts.load(Ordering::SeqCst),
        taken,
        subscribers: [a, b],
        ended: since(start),
    }
}

/// Cold: A subscribes at once and B at [`LATE`], each to its own run of the sensor. Returns
/// the readings of A's run, and the two subscribers.
async fn cold(
    schedule: &Schedule,
    start: Instant,
    starts: &Arc<AtomicUsize>,
) -> (Vec<Reading>, Subscriber, Subscriber) {
    let a = collect_timed(
        cold_sensor(schedule.clone(), start, Arc::clone(starts)),
        start,
    );
    let b = async {
        sleep_until(start + LATE).await;
        collect_timed(
            cold_sensor(schedule.clone(), start, Arc::clone(starts)),
            start,
        )
        .await
    };
    let (a, b) = tokio::join!(a, b);
    let as_received = |events: Vec<Event<Reading>>| -> Vec<Event<Received>> {
        events
            .into_iter()
            .map(|e| Event::new(e.at, Received::Reading(e.value)))
            .collect()
    };
    let taken = a.iter().map(|e| e.value.clone()).collect();
    (
        taken,
        Subscriber {
            name: "A",
            subscribed_at: Duration::ZERO,
            received: as_received(a),
        },
        Subscriber {
            name: "B",
            subscribed_at: LATE,
            received: as_received(b),
        },
    )
}

/// Hot: one sensor broadcasting into a channel of `capacity`; A listens from the start, B
/// subscribes at `b_at` and spends `b_work` on each reading. Returns the readings taken, and
/// the two subscribers.
async fn hot(
    schedule: Schedule,
    start: Instant,
    starts: &Arc<AtomicUsize>,
    capacity: usize,
    b_at: Duration,
    b_work: Duration,
) -> (Vec<Reading>, Subscriber, Subscriber) {
    let (tx, rx_a) = broadcast::channel(capacity);
    // A subscriber from the start subscribes before the sensor starts. A late one subscribes
    // through a sender clone it drops once subscribed, so its stream still ends when the
    // sensor's sender goes.
    let b_subscription = if b_at.is_zero() {
        Ok(tx.subscribe())
    } else {
        Err(tx.clone())
    };
    let sensor = tokio::spawn(hot_sensor(schedule, start, tx, Arc::clone(starts)));
    let a = listen(rx_a, start, Duration::ZERO);
    let b = async move {
        let rx_b = match b_subscription {
            Ok(rx) => rx,
            Err(sender) => {
                sleep_until(start + b_at).await;
                sender.subscribe()
            }
        };
        let subscribed = since(start);
        (subscribed, listen(rx_b, start, b_work).await)
    };
    let (a, (b_subscribed, b)) = tokio::join!(a, b);
    let taken = sensor.await.unwrap_or_default();
    (
        taken,
        Subscriber {
            name: "A",
            subscribed_at: Duration::ZERO,
            received: a,
        },
        Subscriber {
            name: "B",
            subscribed_at: b_subscribed,
            received: b,
        },
    )
}

/// Runs one variant of the example on a current-thread runtime, in real time.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let kind = config.variant_of::<Temperature>()?;
    // The tour: the pattern's first three bursts (B's 120 ms falls in the quiet before the
    // third, and the third's five readings overrun the slow subscriber); a full run: two rounds.
    let schedule = if config.quick {
        Schedule::first_bursts(TICK, 3, config.seed)
    } else {
        Schedule::bursty(TICK, 2, config.seed)
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let budget = config.budget();
    let Ok(r) = runtime
        .block_on(async { tokio::time::timeout(budget, run_hot_cold(kind, schedule)).await })
    else {
        return Ok(config.outcome(Verdict::DidNotShow).line(format!(
            "The run did not finish within its budget of {}: `tokio::time::timeout` ended it.",
            common::format::duration(budget)
        )));
    };
    Ok(report::outcome(config, kind, &r))
}
