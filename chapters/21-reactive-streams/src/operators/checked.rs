//! What a run of the `operators` example is made of, and the measuring every operator shares:
//! its lanes, the latency from reading to output, and the run of the one-lane operators (map,
//! filter, scan, debounce), whose rule is a check on the values in and out. Apart from the
//! operators (in `operators.rs`) so that file reads as the operators.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::timeline::{Event, Reading};

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

/// What one operator's run showed, before the totals every operator shares.
pub(super) struct Shown {
    pub(super) inputs: Vec<Lane>,
    pub(super) outputs: Vec<Lane>,
    pub(super) items_out: usize,
    pub(super) max_latency: Duration,
    pub(super) obeys: bool,
    pub(super) checks: Vec<String>,
}

/// The temperature sensor's stream and the task that returns the readings it took.
pub(super) type Sensor = UnboundedReceiverStream<Reading>;
pub(super) type Taken = JoinHandle<Vec<Reading>>;

/// Map, filter, scan and debounce: the readings in, the operator's output `out` in a lane named
/// `name`, and `rule`, which `obeys(input values, output values)` checks.
pub(super) async fn one_lane(
    out: Vec<Event<Reading>>,
    taken: Taken,
    name: &str,
    rule: String,
    obeys: impl Fn(&[i64], &[i64]) -> bool,
) -> Shown {
    let taken = taken.await.unwrap_or_default();
    let input = values(&taken);
    let output: Vec<i64> = out.iter().map(|e| e.value.value).collect();
    Shown {
        inputs: vec![readings_lane("in °C", &taken)],
        outputs: vec![lane_of(name, &out, |r| r.value.to_string())],
        items_out: out.len(),
        // Map, filter and scan add no waiting: each output is stamped at its reading's
        // arrival. Debounce adds the quiet time on purpose.
        max_latency: latencies(&out),
        obeys: obeys(&input, &output),
        checks: vec![rule],
    }
}

pub(super) fn lane_of<T>(name: &str, events: &[Event<T>], show: impl Fn(&T) -> String) -> Lane {
    Lane {
        name: name.to_string(),
        events: events
            .iter()
            .map(|e| Event::new(e.at, show(&e.value)))
            .collect(),
    }
}

pub(super) fn readings_lane(name: &str, readings: &[Reading]) -> Lane {
    lane_of(name, readings, |v| v.to_string())
}

/// The input lanes of merge and zip.
pub(super) fn two_sensors(temperature: &[Reading], humidity: &[Reading]) -> Vec<Lane> {
    vec![
        readings_lane("temperature", temperature),
        readings_lane("humidity", humidity),
    ]
}

/// The latency of each output: how long after its reading was taken it came out.
pub(super) fn latencies(out: &[Event<Reading>]) -> Duration {
    out.iter()
        .map(|e| e.at.saturating_sub(e.value.at))
        .max()
        .unwrap_or_default()
}

pub(super) fn values(readings: &[Reading]) -> Vec<i64> {
    readings.iter().map(|r| r.value).collect()
}

pub(super) fn is_subsequence(small: &[i64], big: &[i64]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequences() {
        assert!(is_subsequence(&[1, 3], &[1, 2, 3]));
        assert!(!is_subsequence(&[3, 1], &[1, 2, 3]));
        assert!(is_subsequence(&[], &[1]));
    }
}
