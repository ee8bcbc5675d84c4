//! The `operators` example's runs that involve two streams: two operators fed by one sensor, to
//! set them side by side (chunks beside chunks_timeout, throttle beside throttle_first), and one
//! operator fed by two sensors (merge, zip), each checked against its rule. Apart from the
//! operators (in `operators.rs`) and the one-lane runs (`checked.rs`) to keep each file short.

use std::future::Future;

use futures::{Stream, StreamExt};
use tokio::time::Instant;
use tokio_stream::wrappers::BroadcastStream;

use super::checked::{
    Sensor, Shown, Taken, is_subsequence, lane_of, latencies, readings_lane, two_sensors, values,
};
use super::{
    CHUNK, CHUNK_WAIT, THROTTLE, batches, batches_in_time, humidity_schedule, merged, paired,
    spaced, throttle_first,
};
use crate::timeline::{Event, Reading, Schedule, collect_timed, spawn_sensor};

/// One sensor fed to two subscribers through a broadcast, so two operators see the very same
/// readings: the relay to run beside them, and the two streams.
fn two_subscribers(
    sensor: Sensor,
) -> (
    impl Future<Output = ()>,
    impl Stream<Item = Reading>,
    impl Stream<Item = Reading>,
) {
    let (tx, _) = tokio::sync::broadcast::channel(256);
    let a = BroadcastStream::new(tx.subscribe()).filter_map(|r| std::future::ready(r.ok()));
    let b = BroadcastStream::new(tx.subscribe()).filter_map(|r| std::future::ready(r.ok()));
    let relay = async move {
        let mut sensor = sensor;
        while let Some(r) = sensor.next().await {
            let _ = tx.send(r);
        }
    };
    (relay, a, b)
}

/// `chunks` beside `chunks_timeout`, one subscriber each.
pub(super) async fn chunks(sensor: Sensor, taken: Taken, start: Instant) -> Shown {
    let (relay, fixed, timed) = two_subscribers(sensor);
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
    let obeys = flat(&fixed_out) == input
        && flat(&timed_out) == input
        && fixed_out
            .iter()
            .rev()
            .skip(1)
            .all(|e| e.value.len() == CHUNK)
        && timed_out.iter().all(|e| e.value.len() <= CHUNK)
        && timed_wait < fixed_wait;
    let checks = vec![
        format!(
            "both keep every reading in order; chunks({CHUNK}) makes full batches (but the last), \
             chunks_timeout({CHUNK}, {} ms) batches of ≤ {CHUNK}",
            CHUNK_WAIT.as_millis()
        ),
        format!(
            "longest wait in a batch: chunks {}, chunks_timeout {} (smaller: the time limit works)",
            common::format::duration(fixed_wait),
            common::format::duration(timed_wait)
        ),
    ];
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
    Shown {
        inputs: vec![readings_lane("in", &taken)],
        outputs: vec![
            lane_of(&format!("chunks({CHUNK})"), &fixed_out, show),
            lane_of(
                &format!("chunks_timeout({CHUNK},{}ms)", CHUNK_WAIT.as_millis()),
                &timed_out,
                show,
            ),
        ],
        items_out: fixed_out.len(),
        max_latency: fixed_wait,
        obeys,
        checks,
    }
}

/// `merge` of the temperature sensor and the humidity sensor.
pub(super) async fn merge(
    sensor: Sensor,
    taken: Taken,
    schedule: &Schedule,
    start: Instant,
) -> Shown {
    let (humidity, humidity_taken) = spawn_sensor(humidity_schedule(schedule.closes_at), start);
    let out = collect_timed(merged(sensor, humidity), start).await;
    let t_taken = taken.await.unwrap_or_default();
    let h_taken = humidity_taken.await.unwrap_or_default();
    let of = |c: char| -> Vec<i64> {
        out.iter()
            .filter(|e| e.value.sensor == c)
            .map(|e| e.value.reading.value)
            .collect()
    };
    let obeys = of('T') == values(&t_taken)
        && of('H') == values(&h_taken)
        && out.len() == t_taken.len() + h_taken.len();
    let latency = out
        .iter()
        .map(|e| e.at.saturating_sub(e.value.reading.at))
        .max()
        .unwrap_or_default();
    Shown {
        inputs: two_sensors(&t_taken, &h_taken),
        outputs: vec![lane_of("merged", &out, |t| {
            format!("{}{}", t.sensor, t.reading.value)
        })],
        items_out: out.len(),
        max_latency: latency,
        obeys,
        checks: vec![
            "out = every reading of both sensors, each sensor's in its own order".to_string(),
        ],
    }
}

/// `zip` of the temperature sensor and the humidity sensor.
pub(super) async fn zip(
    sensor: Sensor,
    taken: Taken,
    schedule: &Schedule,
    start: Instant,
) -> Shown {
    let (humidity, humidity_taken) = spawn_sensor(humidity_schedule(schedule.closes_at), start);
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
    let obeys = got == expected && out.len() == n;
    let latency = out
        .iter()
        .map(|e| e.at.saturating_sub(e.value.0.at.min(e.value.1.at)))
        .max()
        .unwrap_or_default();
    Shown {
        inputs: two_sensors(&t_taken, &h_taken),
        outputs: vec![lane_of("zipped", &out, |(t, h)| {
            format!("({},{})", t.value, h.value)
        })],
        items_out: out.len(),
        max_latency: latency,
        obeys,
        checks: vec![
            "out = (n-th temperature, n-th humidity) for n up to the shorter sensor".to_string(),
        ],
    }
}

/// tokio-stream's `throttle` beside `throttle_first`, one subscriber each.
pub(super) async fn throttle(sensor: Sensor, taken: Taken, start: Instant) -> Shown {
    let (relay, a, b) = two_subscribers(sensor);
    let ((), spaced_out, first_out) = tokio::join!(
        relay,
        collect_timed(spaced(a), start),
        collect_timed(throttle_first(b, THROTTLE), start)
    );
    let taken = taken.await.unwrap_or_default();
    let input = values(&taken);
    let spaced_values: Vec<i64> = spaced_out.iter().map(|e| e.value.value).collect();
    let first_values: Vec<i64> = first_out.iter().map(|e| e.value.value).collect();
    let obeys = spaced_values == input
        && is_subsequence(&first_values, &input)
        && first_values.len() < input.len();
    let spaced_latency = latencies(&spaced_out);
    let checks = vec![
        format!(
            "throttle({} ms) keeps all {} readings, later; throttle_first({} ms) keeps {} of them, on time",
            THROTTLE.as_millis(),
            spaced_values.len(),
            THROTTLE.as_millis(),
            first_values.len()
        ),
        format!(
            "longest delay: throttle {}, throttle_first {}",
            common::format::duration(spaced_latency),
            common::format::duration(latencies(&first_out))
        ),
    ];
    Shown {
        inputs: vec![readings_lane("in", &taken)],
        outputs: vec![
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
        items_out: spaced_out.len(),
        max_latency: spaced_latency,
        obeys,
        checks,
    }
}
