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

use std::time::Duration;

use common::{Outcome, RunConfig, Verdict};
use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::debounce::debounce;
use crate::timeline::{
    Diagram, Event, Reading, Schedule, collect_timed, since, slots_until, spawn_sensor,
};

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

/// An output lane: a name and its events, already rendered.
#[derive(Debug, Clone)]
pub struct Lane {
    /// The lane's name (`in`, `out`, `chunks(3)`, …).
    pub name: String,
    /// Each event's time and its value as printed.
    pub events: Vec<Event<String>>,
}

/// What one operator run produced: input lanes, output lanes, and per-operator checks.
#[derive(Debug, Clone)]
pub struct OperatorRun {
    /// The sensors' readings as taken.
    pub inputs: Vec<Lane>,
    /// The operator's outputs, as they came out.
    pub outputs: Vec<Lane>,
    /// Items in (all sensors).
    pub items_in: usize,
    /// Items out (the first output lane).
    pub items_out: usize,
    /// The longest wait from a reading being taken to it (or its batch or pair) coming out.
    pub max_latency: Duration,
    /// Did the output obey the operator's rule? (Checked against the measured input.)
    pub obeys: bool,
    /// One line per rule checked, saying what was checked.
    pub checks: Vec<String>,
    /// When the run ended.
    pub ended: Duration,
}

fn lane_of<T>(name: &str, events: &[Event<T>], show: impl Fn(&T) -> String) -> Lane {
    Lane {
        name: name.to_string(),
        events: events
            .iter()
            .map(|e| Event::new(e.at, show(&e.value)))
            .collect(),
    }
}

fn readings_lane(name: &str, readings: &[Reading]) -> Lane {
    lane_of(name, readings, |v| v.to_string())
}

/// The latency of each output: how long after its reading was taken it came out.
fn latencies(out: &[Event<Reading>]) -> Duration {
    out.iter()
        .map(|e| e.at.saturating_sub(e.value.at))
        .max()
        .unwrap_or_default()
}

fn values(readings: &[Reading]) -> Vec<i64> {
    readings.iter().map(|r| r.value).collect()
}

fn is_subsequence(small: &[i64], big: &[i64]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
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
    let mut checks = Vec::new();
    let mut obeys;
    let (inputs, outputs, items_out, max_latency) = match operator {
        Operator::Map | Operator::Filter | Operator::Scan | Operator::Debounce => {
            let out = match operator {
                Operator::Map => collect_timed(map_fahrenheit(sensor), start).await,
                Operator::Filter => collect_timed(alarms(sensor), start).await,
                Operator::Scan => collect_timed(running_max(sensor), start).await,
                _ => collect_timed(settled(sensor), start).await,
            };
            let taken = taken.await.unwrap_or_default();
            let input = values(&taken);
            let output: Vec<i64> = out.iter().map(|e| e.value.value).collect();
            let (rule, ok) = match operator {
                Operator::Map => (
                    "out = (in × 9/5 + 32) °F, one for one".to_string(),
                    output == input.iter().map(|&c| fahrenheit(c)).collect::<Vec<_>>(),
                ),
                Operator::Filter => (
                    format!("out = the readings ≥ {ALARM_AT} °C, in order"),
                    output
                        == input
                            .iter()
                            .copied()
                            .filter(|&v| v >= ALARM_AT)
                            .collect::<Vec<_>>(),
                ),
                Operator::Scan => (
                    "out = the highest reading so far, one for one".to_string(),
                    output
                        == input
                            .iter()
                            .scan(i64::MIN, |m, &v| {
                                *m = (*m).max(v);
                                Some(*m)
                            })
                            .collect::<Vec<_>>(),
                ),
                _ => (
                    "out ⊂ in, in order, ends with the last reading, fewer items than in"
                        .to_string(),
                    is_subsequence(&output, &input)
                        && output.last() == input.last()
                        && output.len() < input.len(),
                ),
            };
            // Map, filter and scan add no waiting: each output is stamped at its reading's
            // arrival. Debounce adds the quiet time on purpose.
            let out_readings: Vec<Event<Reading>> = out
                .iter()
                .map(|e| Event::new(e.at, e.value.clone()))
                .collect();
            obeys = ok;
            checks.push(rule);
            let out_name = match operator {
                Operator::Map => "°F",
                Operator::Filter => "alarms",
                Operator::Scan => "max",
                _ => "settled",
            };
            (
                vec![readings_lane("in °C", &taken)],
                vec![lane_of(out_name, &out, |r| r.value.to_string())],
                out.len(),
                latencies(&out_readings),
            )
        }
        Operator::Chunks => {
            // Two subscribers, one per batching rule, fed by one sensor through a broadcast.
            let (tx, _) = tokio::sync::broadcast::channel(256);
            let fixed = tokio_stream::wrappers::BroadcastStream::new(tx.subscribe())
                .filter_map(|r| std::future::ready(r.ok()));
            let timed = tokio_stream::wrappers::BroadcastStream::new(tx.subscribe())
                .filter_map(|r| std::future::ready(r.ok()));
            let relay = async move {
                let mut sensor = sensor;
                while let Some(r) = sensor.next().await {
                    let _ = tx.send(r);
                }
            };
            let ((), fixed_out, timed_out) = tokio::join!(
                relay,
                collect_timed(batches(fixed), start),
                collect_timed(batches_in_time(timed), start)
            );
            let taken = taken.await.unwrap_or_default();
            let input = values(&taken);
            let flat = |out: &[Event<Vec<Reading>>]| -> Vec<i64> {
                out.iter().flat_map(|e| values(&e.value)).collect()
            };
            let wait = |out: &[Event<Vec<Reading>>]| {
                out.iter()
                    .flat_map(|e| e.value.iter().map(move |r| e.at.saturating_sub(r.at)))
                    .max()
                    .unwrap_or_default()
            };
            let (fixed_wait, timed_wait) = (wait(&fixed_out), wait(&timed_out));
            obeys = flat(&fixed_out) == input
                && flat(&timed_out) == input
                && fixed_out
                    .iter()
                    .rev()
                    .skip(1)
                    .all(|e| e.value.len() == CHUNK)
                && timed_out.iter().all(|e| e.value.len() <= CHUNK)
                && timed_wait < fixed_wait;
            checks.push(format!(
                "both keep every reading in order; chunks({CHUNK}) makes full batches (but the last), \
                 chunks_timeout({CHUNK}, {} ms) batches of ≤ {CHUNK}",
                CHUNK_WAIT.as_millis()
            ));
            checks.push(format!(
                "longest wait in a batch: chunks {} ms, chunks_timeout {} ms (smaller: the time limit works)",
                fixed_wait.as_millis(),
                timed_wait.as_millis()
            ));
            let show = |batch: &Vec<Reading>| {
                format!(
                    "[{}]",
                    batch
                        .iter()
                        .map(|r| r.value.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            (
                vec![readings_lane("in", &taken)],
                vec![
                    lane_of(&format!("chunks({CHUNK})"), &fixed_out, show),
                    lane_of(
                        &format!("chunks_timeout({CHUNK},{}ms)", CHUNK_WAIT.as_millis()),
                        &timed_out,
                        show,
                    ),
                ],
                fixed_out.len(),
                fixed_wait,
            )
        }
        Operator::Merge | Operator::Zip => {
            let humidity_schedule = humidity_schedule(schedule.closes_at);
            let (humidity, humidity_taken) = spawn_sensor(humidity_schedule, start);
            let (out_lane, n_out, latency, rule, ok, t_taken, h_taken) =
                if operator == Operator::Merge {
                    let out = collect_timed(merged(sensor, humidity), start).await;
                    let t_taken = taken.await.unwrap_or_default();
                    let h_taken = humidity_taken.await.unwrap_or_default();
                    let of = |c: char| -> Vec<i64> {
                        out.iter()
                            .filter(|e| e.value.sensor == c)
                            .map(|e| e.value.reading.value)
                            .collect()
                    };
                    let ok = of('T') == values(&t_taken)
                        && of('H') == values(&h_taken)
                        && out.len() == t_taken.len() + h_taken.len();
                    let latency = out
                        .iter()
                        .map(|e| e.at.saturating_sub(e.value.reading.at))
                        .max()
                        .unwrap_or_default();
                    (
                        lane_of("merged", &out, |t| {
                            format!("{}{}", t.sensor, t.reading.value)
                        }),
                        out.len(),
                        latency,
                        "out = every reading of both sensors, each sensor's in its own order",
                        ok,
                        t_taken,
                        h_taken,
                    )
                } else {
                    let out = collect_timed(paired(sensor, humidity), start).await;
                    let t_taken = taken.await.unwrap_or_default();
                    let h_taken = humidity_taken.await.unwrap_or_default();
                    let n = t_taken.len().min(h_taken.len());
                    let expected: Vec<(i64, i64)> = t_taken
                        .iter()
                        .zip(&h_taken)
                        .map(|(t, h)| (t.value, h.value))
                        .collect();
                    let got: Vec<(i64, i64)> = out
                        .iter()
                        .map(|e| (e.value.0.value, e.value.1.value))
                        .collect();
                    let ok = got == expected && out.len() == n;
                    let latency = out
                        .iter()
                        .map(|e| e.at.saturating_sub(e.value.0.at.min(e.value.1.at)))
                        .max()
                        .unwrap_or_default();
                    (
                        lane_of("zipped", &out, |(t, h)| {
                            format!("({},{})", t.value, h.value)
                        }),
                        out.len(),
                        latency,
                        "out = (n-th temperature, n-th humidity) for n up to the shorter sensor",
                        ok,
                        t_taken,
                        h_taken,
                    )
                };
            obeys = ok;
            checks.push(rule.to_string());
            (
                vec![
                    readings_lane("temperature", &t_taken),
                    readings_lane("humidity", &h_taken),
                ],
                vec![out_lane],
                n_out,
                latency,
            )
        }
        Operator::Throttle => {
            let (tx, _) = tokio::sync::broadcast::channel(256);
            let a = tokio_stream::wrappers::BroadcastStream::new(tx.subscribe())
                .filter_map(|r| std::future::ready(r.ok()));
            let b = tokio_stream::wrappers::BroadcastStream::new(tx.subscribe())
                .filter_map(|r| std::future::ready(r.ok()));
            let relay = async move {
                let mut sensor = sensor;
                while let Some(r) = sensor.next().await {
                    let _ = tx.send(r);
                }
            };
            let ((), spaced_out, first_out) = tokio::join!(
                relay,
                collect_timed(spaced(a), start),
                collect_timed(throttle_first(b, THROTTLE), start)
            );
            let taken = taken.await.unwrap_or_default();
            let input = values(&taken);
            let spaced_values: Vec<i64> = spaced_out.iter().map(|e| e.value.value).collect();
            let first_values: Vec<i64> = first_out.iter().map(|e| e.value.value).collect();
            obeys = spaced_values == input
                && is_subsequence(&first_values, &input)
                && first_values.len() < input.len();
            checks.push(format!(
                "throttle({} ms) keeps all {} readings, later; throttle_first({} ms) keeps {} of them, on time",
                THROTTLE.as_millis(),
                spaced_values.len(),
                THROTTLE.as_millis(),
                first_values.len()
            ));
            let spaced_latency = latencies(&spaced_out);
            checks.push(format!(
                "longest delay: throttle {} ms, throttle_first {} ms",
                spaced_latency.as_millis(),
                latencies(&first_out).as_millis()
            ));
            (
                vec![readings_lane("in", &taken)],
                vec![
                    lane_of(
                        &format!("throttle({}ms)", THROTTLE.as_millis()),
                        &spaced_out,
                        |r| r.value.to_string(),
                    ),
                    lane_of(
                        &format!("throttle_first({}ms)", THROTTLE.as_millis()),
                        &first_out,
                        |r| r.value.to_string(),
                    ),
                ],
                spaced_out.len(),
                spaced_latency,
            )
        }
    };
    let items_in = inputs.iter().map(|l| l.events.len()).sum();
    if items_in == 0 {
        obeys = false;
    }
    OperatorRun {
        inputs,
        outputs,
        items_in,
        items_out,
        max_latency,
        obeys,
        checks,
        ended: since(start),
    }
}

/// What each operator is about, for the narrative.
fn about(operator: Operator) -> &'static str {
    match operator {
        Operator::Map => "map: one output per input, at the same moment: only the value changes",
        Operator::Filter => "filter: drops what fails the test; what passes leaves at once",
        Operator::Scan => {
            "scan: carries state from item to item (here the maximum so far), one output per input"
        }
        Operator::Chunks => {
            "chunks waits for a full batch, however long; chunks_timeout also lets a batch go when its first item has waited long enough"
        }
        Operator::Merge => {
            "merge: two sources into one stream, each item as soon as it arrives, from whichever source"
        }
        Operator::Zip => {
            "zip: pairs the n-th items; a pair waits for its slower half, and the faster source's items pile up"
        }
        Operator::Throttle => {
            "throttle (tokio-stream) spaces items out and keeps them all, so bursts leave late; throttle_first lets one through and drops the rest of the window"
        }
        Operator::Debounce => {
            "debounce: waits for the burst to settle and emits only its last reading, one quiet period later"
        }
    }
}

fn notice(operator: Operator) -> &'static str {
    match operator {
        Operator::Map | Operator::Filter | Operator::Scan => {
            "the output lane's marks sit exactly under the input's: these operators change values, not time"
        }
        Operator::Chunks => {
            "a fixed batch size makes the burst's leftover wait for the next burst; a time limit bounds that wait"
        }
        Operator::Merge => "merge interleaves by arrival time: nothing waits",
        Operator::Zip => {
            "zip paces the fast sensor to the slow one: its readings wait longer and longer for a partner"
        }
        Operator::Throttle => {
            "spacing delays (latency grows in a burst); throttle-first drops (data lost, no delay)"
        }
        Operator::Debounce => {
            "one output per burst, a quiet period after its last reading: the price of calm is latency"
        }
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
        return Ok(config.outcome(Verdict::DidNotShow).line(
            format!(
                "The pipeline did not finish within its budget of {} ms: `tokio::time::timeout` ended it.",
                budget.as_millis()
            ),
        ));
    };
    let slot = TICK;
    let slots = slots_until(r.ended, slot);
    let mut diagram = Diagram::new();
    for lane in r.inputs.iter().chain(&r.outputs) {
        diagram.lane(&lane.name, &lane.events, slot, slots, |v| v.clone());
    }
    let mut outcome = config.outcome(Verdict::from(r.obeys))
        .line(about(operator))
        .line("Real time: the sensor takes its readings on a schedule (tokio::time); times are measured, so a busy machine shows in them as readings a few ms late; the rule is checked against the times actually seen.");
    for line in diagram.lines(slot) {
        outcome = outcome.line(line);
    }
    for check in &r.checks {
        outcome = outcome.line(format!("Rule: {check}."));
    }
    outcome = outcome
        .line(format!(
            "The output obeys the operator's rule, checked against the readings actually taken: {}.",
            if r.obeys { "yes" } else { "NO" }
        ))
        .key_figure("items out", r.items_out as f64, "items")
        .figure("items in", r.items_in as f64, "items")
        .figure("longest wait, reading to output", r.max_latency.as_secs_f64() * 1e3, "ms")
        .notice(notice(operator));
    Ok(outcome)
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
    fn subsequences() {
        assert!(is_subsequence(&[1, 3], &[1, 2, 3]));
        assert!(!is_subsequence(&[3, 1], &[1, 2, 3]));
        assert!(is_subsequence(&[], &[1]));
    }

    #[test]
    fn variants_name_operators() {
        use common::Variants;
        assert_eq!(Operator::parse("debounce"), Some(Operator::Debounce));
        assert_eq!(Operator::parse("map"), Some(Operator::Map));
        assert_eq!(Operator::parse("nope"), None);
    }
}
