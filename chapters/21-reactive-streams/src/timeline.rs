//! Timelines and the simulated sensor every example of the chapter subscribes to.
//!
//! A reactive stream is about *when* as much as *what*: an operator such as debounce or throttle
//! is defined by the times its items arrive. So every item here is an [`Event`]: a value and the
//! moment (since the run's start) it happened. The sensor takes [`Reading`]s on a [`Schedule`]
//! — bursts of readings 10 ms apart, then quiet gaps — and each example prints its input and
//! output as a marble lane (`●` an item, `·` nothing, one character a slot) and as a listing
//! (`t=0ms 21 | t=10ms 23 | …`).
//!
//! Two sensors, because a stream can be either:
//! - [`spawn_sensor`]: a task that takes each reading at its time whether or not anyone is ready,
//!   and pushes it into an unbounded channel (a physical sensor does not wait for you);
//! - [`cold_sensor`]: a lazy stream that starts its schedule when it is first polled, once per
//!   subscriber (see `hot_and_cold`).
//!
//! Time comes from `tokio::time`, so the same code runs on the real clock (the examples: latency
//! is the subject, readings arrive about a millisecond after their schedule on a quiet machine,
//! a few on a busy one) and on tokio's
//! paused clock (the tests: every time is exact). No book section: the book has no reactive
//! streams; this builds on its asyncio chapters (9–11).

use std::fmt::{self, Display};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::rng::SplitMix64;
use futures::Stream;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tokio_stream::wrappers::UnboundedReceiverStream;

/// Something that happened at a moment: `at` is measured from the run's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<T> {
    /// When it happened, since the start of the run.
    pub at: Duration,
    /// What happened.
    pub value: T,
}

impl<T> Event<T> {
    /// An event at `at` (since the start) carrying `value`.
    pub fn new(at: Duration, value: T) -> Self {
        Self { at, value }
    }
}

/// A sensor reading: a temperature in °C, stamped with the moment it was taken.
pub type Reading = Event<i64>;

impl Display for Event<i64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

/// The moment `start` is, as a duration since itself: `Instant::now() - start`.
pub fn since(start: Instant) -> Duration {
    Instant::now().saturating_duration_since(start)
}

/// When the sensor takes its readings and what it reads; it closes its stream at `closes_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// (offset from the sensor's start, value), in time order.
    pub readings: Vec<(Duration, i64)>,
    /// When the stream ends (after the last reading).
    pub closes_at: Duration,
}

/// The bursty pattern, in ticks: five bursts of readings one tick apart, with quiet gaps of six
/// ticks or more between them. Debounce, throttle and chunking all have something to do.
pub const BURSTY_TICKS: [u32; 14] = [0, 1, 2, 3, 9, 10, 17, 18, 19, 20, 21, 29, 30, 36];

/// Ticks in one round of the bursty pattern, the quiet tail included.
pub const BURSTY_ROUND: u32 = 46;

/// Quiet ticks after the last reading of a [`Schedule::first_bursts`] schedule: room for a
/// debounce's 40 ms of quiet before the stream closes.
pub const QUICK_TAIL: u32 = 5;

impl Schedule {
    /// Readings at the given ticks with the given values; the stream closes at `close_tick`.
    pub fn from_ticks(tick: Duration, readings: &[(u32, i64)], close_tick: u32) -> Self {
        Self {
            readings: readings.iter().map(|&(t, v)| (tick * t, v)).collect(),
            closes_at: tick * close_tick,
        }
    }

    /// `rounds` rounds of [`BURSTY_TICKS`]; temperatures 15–30 °C drawn from `seed`.
    pub fn bursty(tick: Duration, rounds: u32, seed: u64) -> Self {
        let mut rng = SplitMix64::for_stream(seed, 21);
        let readings: Vec<(u32, i64)> = (0..rounds)
            .flat_map(|round| BURSTY_TICKS.map(|t| round * BURSTY_ROUND + t))
            .map(|t| (t, 15 + rng.below(16) as i64))
            .collect();
        Self::from_ticks(tick, &readings, rounds * BURSTY_ROUND - 1)
    }

    /// The tour's shorter schedule: the first `bursts` bursts of [`Schedule::bursty`] (same
    /// ticks, same values for the same seed), closing [`QUICK_TAIL`] ticks after the last reading.
    /// Two bursts already show every operator at work (a batch's leftover, a throttled burst, one
    /// debounced reading per burst) in a third of the time of a whole round.
    pub fn first_bursts(tick: Duration, bursts: usize, seed: u64) -> Self {
        let per_round = BURSTY_TICKS.windows(2).filter(|w| w[1] > w[0] + 1).count() + 1;
        let rounds = bursts.div_ceil(per_round).max(1) as u32;
        let all = Self::bursty(tick, rounds, seed);
        let mut readings = Vec::new();
        let mut seen = 0;
        for (i, &(at, value)) in all.readings.iter().enumerate() {
            // A reading more than a tick after the one before starts a new burst.
            if i == 0 || at > all.readings[i - 1].0 + tick {
                seen += 1;
            }
            if seen > bursts {
                break;
            }
            readings.push((at, value));
        }
        let last = readings.last().map_or(Duration::ZERO, |&(at, _)| at);
        Self {
            readings,
            closes_at: last + tick * QUICK_TAIL,
        }
    }

    /// `count` readings every `every`, the first at `first`; values `first_value`, +1, +2, …
    pub fn steady(first: Duration, every: Duration, count: u32, first_value: i64) -> Self {
        let readings: Vec<(Duration, i64)> = (0..count)
            .map(|i| (first + every * i, first_value + i64::from(i)))
            .collect();
        let closes_at = readings.last().map_or(first, |&(at, _)| at + every / 2);
        Self {
            readings,
            closes_at,
        }
    }

    /// How many readings the sensor takes.
    pub fn len(&self) -> usize {
        self.readings.len()
    }

    /// True if the sensor takes no reading.
    pub fn is_empty(&self) -> bool {
        self.readings.is_empty()
    }

    /// The values, in order.
    pub fn values(&self) -> Vec<i64> {
        self.readings.iter().map(|&(_, v)| v).collect()
    }
}

/// Starts the sensor as its own task. It takes each reading at `start + offset` whether or not
/// anyone is ready for it, stamps it, and pushes it into an unbounded channel; the stream ends at
/// `closes_at`. The handle returns every reading taken: the input timeline.
pub fn spawn_sensor(
    schedule: Schedule,
    start: Instant,
) -> (UnboundedReceiverStream<Reading>, JoinHandle<Vec<Reading>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut taken = Vec::with_capacity(schedule.len());
        for &(offset, value) in &schedule.readings {
            sleep_until(start + offset).await;
            let reading = Event::new(since(start), value);
            // Nobody listening is not the sensor's problem: it keeps reading.
            let _ = tx.send(reading.clone());
            taken.push(reading);
        }
        sleep_until(start + schedule.closes_at).await;
        taken
    });
    (UnboundedReceiverStream::new(rx), task)
}

/// A cold sensor: nothing happens until it is polled. Its first poll starts a fresh run of the
/// schedule (and counts one start in `starts`), so each subscriber gets its own sequence from
/// the first reading on. Readings are stamped with the time since `start`, the run's start.
pub fn cold_sensor(
    schedule: Schedule,
    start: Instant,
    starts: Arc<AtomicUsize>,
) -> impl Stream<Item = Reading> {
    futures::stream::once(async move {
        starts.fetch_add(1, Ordering::SeqCst);
        let subscribed = Instant::now();
        futures::stream::iter(schedule.readings).then(move |(offset, value)| async move {
            sleep_until(subscribed + offset).await;
            Event::new(since(start), value)
        })
    })
    .flatten()
}

/// Drains `stream`, stamping each item with the time it came out (since `start`).
pub async fn collect_timed<S: Stream>(stream: S, start: Instant) -> Vec<Event<S::Item>> {
    stream
        .map(|item| Event::new(since(start), item))
        .collect()
        .await
}

/// Milliseconds, rounded down, for timelines.
pub fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// A marble lane: one character per `slot`, `●` where one event fell, a digit where several
/// did, `·` where none; `slots` characters long (longer if an event falls beyond).
pub fn lane<T>(events: &[Event<T>], slot: Duration, slots: usize) -> String {
    let slot_ms = slot.as_millis().max(1);
    let mut counts = vec![0usize; slots];
    for event in events {
        let i = (event.at.as_millis() / slot_ms) as usize;
        if i >= counts.len() {
            counts.resize(i + 1, 0);
        }
        counts[i] += 1;
    }
    counts
        .iter()
        .map(|&n| match n {
            0 => '·',
            1 => '●',
            2..=9 => char::from_digit(n as u32, 10).unwrap_or('+'),
            _ => '+',
        })
        .collect()
}

/// A listing, `per_line` events a line: `t=0ms 21 | t=10ms 23 | …`.
pub fn listing<T>(
    events: &[Event<T>],
    per_line: usize,
    show: impl Fn(&T) -> String,
) -> Vec<String> {
    if events.is_empty() {
        return vec!["(nothing)".to_string()];
    }
    events
        .chunks(per_line.max(1))
        .map(|chunk| {
            chunk
                .iter()
                .map(|e| format!("t={}ms {}", ms(e.at), show(&e.value)))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

/// How many slots a lane needs to show everything up to `until`.
pub fn slots_until(until: Duration, slot: Duration) -> usize {
    (until.as_millis() / slot.as_millis().max(1)) as usize + 1
}

/// Named lanes, printed one under the other with a scale line, plus each lane's listing.
#[derive(Debug, Default)]
pub struct Diagram {
    lanes: Vec<(String, String, Vec<String>)>,
}

impl Diagram {
    /// An empty diagram.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a lane named `name` with its events; `show` renders a value for the listing.
    pub fn lane<T>(
        &mut self,
        name: &str,
        events: &[Event<T>],
        slot: Duration,
        slots: usize,
        show: impl Fn(&T) -> String,
    ) -> &mut Self {
        self.lanes.push((
            name.to_string(),
            lane(events, slot, slots),
            listing(events, 8, show),
        ));
        self
    }

    /// The lines: the lanes under a header naming the slot, then each lane's listing.
    pub fn lines(&self, slot: Duration) -> Vec<String> {
        let width = self
            .lanes
            .iter()
            .map(|(n, _, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = vec![format!(
            "{:width$}  one character = {} ms; ● an item, a digit several, · nothing",
            "",
            slot.as_millis()
        )];
        for (name, lane, _) in &self.lanes {
            out.push(format!("{name:>width$}  {lane}"));
        }
        for (name, _, listing) in &self.lanes {
            for (i, line) in listing.iter().enumerate() {
                let label = if i == 0 { name.as_str() } else { "" };
                out.push(format!("{label:>width$}: {line}"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_mark_slots() {
        let ms10 = Duration::from_millis(10);
        let events = vec![
            Event::new(Duration::from_millis(0), 1),
            Event::new(Duration::from_millis(25), 2),
            Event::new(Duration::from_millis(29), 3),
        ];
        assert_eq!(lane(&events, ms10, 4), "●·2·");
        assert_eq!(
            listing(&events, 2, |v| v.to_string()),
            vec!["t=0ms 1 | t=25ms 2", "t=29ms 3"]
        );
    }

    #[test]
    fn the_bursty_schedule_repeats_its_pattern() {
        let s = Schedule::bursty(Duration::from_millis(10), 2, 7);
        assert_eq!(s.len(), 28);
        assert_eq!(s.readings[14].0, Duration::from_millis(460));
        assert!(s.values().iter().all(|v| (15..=30).contains(v)));
        assert_eq!(s.closes_at, Duration::from_millis(910));
    }

    #[test]
    fn the_quick_schedule_is_the_first_bursts() {
        let tick = Duration::from_millis(10);
        let whole = Schedule::bursty(tick, 2, 7);
        let two = Schedule::first_bursts(tick, 2, 7);
        assert_eq!(two.readings, whole.readings[..6]);
        assert_eq!(two.closes_at, Duration::from_millis(150));
        let three = Schedule::first_bursts(tick, 3, 7);
        assert_eq!(three.readings, whole.readings[..11]);
        assert_eq!(three.closes_at, Duration::from_millis(260));
        // Past one round (five bursts), the pattern repeats: the sixth is the next round's first.
        assert_eq!(
            Schedule::first_bursts(tick, 6, 7).readings,
            whole.readings[..18]
        );
    }
}
