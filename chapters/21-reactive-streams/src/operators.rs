//! Stream operators on a sensor's timeline: map, filter, scan, chunks, merge, zip, throttle and
//! debounce, each shown with its input and output lanes.
//!
//! A `futures::Stream` is an async iterator: the subscriber pulls, and an operator is a stream
//! built from another. Some operators only change *what* flows (map, filter, scan: an item out
//! for an item in, at the same moment); the others change *when* (chunks wait for a batch, zip
//! waits for a partner, throttle spaces items out, debounce waits for quiet). The timelines make
//! that visible: a lane per stream, one character per 10 ms.
//!
//! The sensor is real time here (`tokio::time`; latency is the subject, so the waits are real
//! and the times are measured): bursts of readings 10 ms apart and quiet gaps (see
//! [`crate::timeline`]). The tests run the very same pipelines on tokio's paused clock, where
//! every time is exact (tests/operators.rs).
//!
//! ```sh
//! cargo run -p chapter-21 -- run operators --quick            # every operator, ~1.3 s
//! cargo run -p chapter-21 -- run operators                    # two whole rounds, ~7.5 s
//! cargo run -p chapter-21 -- run operators --variant debounce
//! ```
//!
//! Where the operators come from: `futures::StreamExt` (map, filter, scan, chunks, zip, select),
//! `tokio_stream::StreamExt` (merge, throttle, chunks_timeout), and this chapter (debounce,
//! exercise 21.1; [`throttle_first`]). No book section: the book has no reactive streams; this
//! builds on its asyncio chapters (9–11).
//!
//! This file is the operators themselves, then [`run_operator`], which subscribes one to the
//! sensor and checks its output against its rule. What the runs share (lanes, latencies, the
//! one-lane check) is `operators/checked.rs`; the runs with two streams (two operators side by
//! side, or two sensors) are `operators/two_streams.rs`; the diagram, lines and figures are
//! `operators/report.rs`.

use std::time::Duration;

use common::{Outcome, RunConfig, Verdict};
use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::debounce::debounce;
use crate::timeline::{Event, Reading, Schedule, collect_timed, since, spawn_sensor};

mod checked;
mod report;
mod two_streams;

pub use checked::{Lane, OperatorRun};
use checked::{is_subsequence, one_lane};

/// The sensor's tick: bursts are one tick apart.
pub const TICK: Duration = Duration::from_millis(10);
/// Readings at or above this are alarms (`filter`).
pub const ALARM_AT: i64 = 25;
/// `chunks`: the batch size.
pub const CHUNK: usize = 3;
/// `chunks`: how long `chunks_timeout` lets a partial batch wait.
pub const CHUNK_WAIT: Duration = Duration::from_millis(30);
/// `throttle`: the minimum spacing (25 ms: between ticks, so no reading ties with it).
pub const THROTTLE: Duration = Duration::from_millis(25);
/// `debounce`: the quiet time that ends a burst.
pub const QUIET: Duration = Duration::from_millis(40);

common::variants! {
    /// The operators, one a variant.
    pub enum Operator {
        /// °C → °F.
        Map = "map": "°C to °F: one out per in, at the same moment",
        /// Alarms only: readings ≥ [`ALARM_AT`].
        Filter = "filter": "alarms only: readings of 25 °C or more",
        /// The highest reading so far.
        Scan = "scan": "state across items: the highest reading so far",
        /// Batches of [`CHUNK`], with and without a time limit.
        Chunks = "chunks": "batches of 3: chunks waits for a full batch, chunks_timeout not past 30 ms",
        /// Two sensors into one stream.
        Merge = "merge": "temperature and humidity sensors into one stream, by arrival",
        /// Two sensors paired item by item.
        Zip = "zip": "temperature and humidity paired item by item: the fast one waits",
        /// Spacing out (tokio-stream) and dropping (throttle-first).
        Throttle = "throttle": "25 ms apart: tokio-stream's throttle delays, throttle_first drops",
        /// One reading per burst.
        Debounce = "debounce": "one reading per burst, 40 ms after its last (exercise 21.1)",
    }
}

/// °C → °F, in whole degrees.
pub fn fahrenheit(celsius: i64) -> i64 {
    celsius * 9 / 5 + 32
}

/// `map`: each reading in °F, at the moment it arrives.
pub fn map_fahrenheit(input: impl Stream<Item = Reading>) -> impl Stream<Item = Reading> {
    input.map(|r| Event::new(r.at, fahrenheit(r.value)))
}

/// `filter`: only the alarms.
pub fn alarms(input: impl Stream<Item = Reading>) -> impl Stream<Item = Reading> {
    input.filter(|r| std::future::ready(r.value >= ALARM_AT))
}

/// `scan`: the highest reading so far, one output per input.
pub fn running_max(input: impl Stream<Item = Reading>) -> impl Stream<Item = Reading> {
    input.scan(i64::MIN, |max, r| {
        *max = (*max).max(r.value);
        std::future::ready(Some(Event::new(r.at, *max)))
    })
}

/// `chunks`: batches of [`CHUNK`]; a batch waits as long as it takes to fill.
pub fn batches(input: impl Stream<Item = Reading>) -> impl Stream<Item = Vec<Reading>> {
    input.chunks(CHUNK)
}

/// `chunks_timeout`: batches of up to [`CHUNK`]; a partial batch leaves [`CHUNK_WAIT`] after
/// its first item.
pub fn batches_in_time(input: impl Stream<Item = Reading>) -> impl Stream<Item = Vec<Reading>> {
    tokio_stream::StreamExt::chunks_timeout(input, CHUNK, CHUNK_WAIT)
}

/// A reading tagged with the sensor it came from, for `merge` and `zip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    /// 'T' (temperature) or 'H' (humidity).
    pub sensor: char,
    /// The reading.
    pub reading: Reading,
}

/// `merge`: both sensors' readings in one stream, in the order they arrive.
pub fn merged(
    temperature: impl Stream<Item = Reading>,
    humidity: impl Stream<Item = Reading>,
) -> impl Stream<Item = Tagged> {
    let t = temperature.map(|reading| Tagged {
        sensor: 'T',
        reading,
    });
    let h = humidity.map(|reading| Tagged {
        sensor: 'H',
        reading,
    });
    tokio_stream::StreamExt::merge(t, h)
}

/// `zip`: the n-th temperature with the n-th humidity; a pair leaves when its later half arrives,
/// and the stream ends with the shorter input.
pub fn paired(
    temperature: impl Stream<Item = Reading>,
    humidity: impl Stream<Item = Reading>,
) -> impl Stream<Item = (Reading, Reading)> {
    temperature.zip(humidity)
}

/// tokio-stream's `throttle`: at least [`THROTTLE`] between items. Nothing is dropped: items
/// that come too soon are *delayed*, so a burst leaves late.
pub fn spaced(input: impl Stream<Item = Reading>) -> impl Stream<Item = Reading> {
    tokio_stream::StreamExt::throttle(input, THROTTLE)
}

/// Throttle-first (Rx's `throttleFirst`): lets an item through, then drops every item that
/// arrives within `period` after it. Nothing is delayed; the rest of a burst is lost.
pub fn throttle_first<S>(input: S, period: Duration) -> impl Stream<Item = S::Item>
where
    S: Stream,
{
    let mut open_at: Option<Instant> = None;
    input.filter(move |_| {
        let now = Instant::now();
        let pass = open_at.is_none_or(|t| now >= t);
        if pass {
            open_at = Some(now + period);
        }
        std::future::ready(pass)
    })
}

/// `debounce` (exercise 21.1): one reading per burst, [`QUIET`] after the burst's last.
pub fn settled(input: impl Stream<Item = Reading> + Unpin) -> impl Stream<Item = Reading> {
    debounce(input, QUIET)
}

/// The humidity sensor of `merge` and `zip`: steady, every 50 ms from 25 ms (between the
/// temperature sensor's ticks), values 40 %, 41 %, …
pub fn humidity_schedule(until: Duration) -> Schedule {
    let every = Duration::from_millis(50);
    let first = Duration::from_millis(25);
    let count = (until.saturating_sub(first).as_millis() / every.as_millis()) as u32;
    Schedule::steady(first, every, count.max(1), 40)
}

/// Runs one operator on the sensor `schedule` (and, for merge and zip, the humidity sensor),
/// on whatever clock tokio has: real in the examples, paused in the tests.
pub async fn run_operator(operator: Operator, schedule: Schedule) -> OperatorRun {
    let start = Instant::now();
    let (sensor, taken) = spawn_sensor(schedule.clone(), start);
    let shown = match operator {
        Operator::Map => {
            let out = collect_timed(map_fahrenheit(sensor), start).await;
            let rule = "out = (in × 9/5 + 32) °F, one for one".to_string();
            one_lane(out, taken, "°F", rule, |input, output| {
                output == input.iter().map(|&c| fahrenheit(c)).collect::<Vec<_>>()
            })
            .await
        }
        Operator::Filter => {
            let out = collect_timed(alarms(sensor), start).await;
            let rule = format!("out = the readings ≥ {ALARM_AT} °C, in order");
            one_lane(out, taken, "alarms", rule, |input, output| {
                output
                    == input
                        .iter()
                        .copied()
                        .filter(|&v| v >= ALARM_AT)
                        .collect::<Vec<_>>()
            })
            .await
        }
        Operator::Scan => {
            let out = collect_timed(running_max(sensor), start).await;
            let rule = "out = the highest reading so far, one for one".to_string();
            one_lane(out, taken, "max", rule, |input, output| {
                output
                    == input
                        .iter()
                        .scan(i64::MIN, |m, &v| {
                            *m = (*m).max(v);
                            Some(*m)
                        })
                        .collect::<Vec<_>>()
            })
            .await
        }
        Operator::Chunks => two_streams::chunks(sensor, taken, start).await,
        Operator::Merge => two_streams::merge(sensor, taken, &schedule, start).await,
        Operator::Zip => two_streams::zip(sensor, taken, &schedule, start).await,
        Operator::Throttle => two_streams::throttle(sensor, taken, start).await,
        Operator::Debounce => {
            let out = collect_timed(settled(sensor), start).await;
            let rule =
                "out ⊂ in, in order, ends with the last reading, fewer items than in".to_string();
            one_lane(out, taken, "settled", rule, |input, output| {
                is_subsequence(output, input)
                    && output.last() == input.last()
                    && output.len() < input.len()
            })
            .await
        }
    };
    let items_in = shown.inputs.iter().map(|l| l.events.len()).sum();
    OperatorRun {
        inputs: shown.inputs,
        outputs: shown.outputs,
        items_in,
        items_out: shown.items_out,
        max_latency: shown.max_latency,
        obeys: shown.obeys && items_in > 0,
        checks: shown.checks,
        ended: since(start),
    }
}

/// Runs one variant of the example on a current-thread runtime, in real time.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let operator = config.variant_of::<Operator>()?;
    // The tour: the pattern's first two bursts (150 ms); a full run: two whole rounds (910 ms).
    let schedule = if config.quick {
        Schedule::first_bursts(TICK, 2, config.seed)
    } else {
        Schedule::bursty(TICK, 2, config.seed)
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let budget = config.budget();
    let Ok(r) = runtime
        .block_on(async { tokio::time::timeout(budget, run_operator(operator, schedule)).await })
    else {
        return Ok(config.outcome(Verdict::DidNotShow).line(format!(
            "The pipeline did not finish within its budget of {}: `tokio::time::timeout` ended it.",
            common::format::duration(budget)
        )));
    };
    Ok(report::outcome(config, operator, &r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fahrenheit_of_a_few() {
        assert_eq!(fahrenheit(20), 68);
        assert_eq!(fahrenheit(25), 77);
        assert_eq!(fahrenheit(-40), -40);
    }

    #[test]
    fn variants_name_operators() {
        use common::Variants;
        assert_eq!(Operator::parse("debounce"), Some(Operator::Debounce));
        assert_eq!(Operator::parse("map"), Some(Operator::Map));
        assert_eq!(Operator::parse("nope"), None);
    }
}
