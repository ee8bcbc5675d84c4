//! Operator semantics on tokio's paused clock: the same pipelines as the `operators` example,
//! fed by the same sensor, but time only moves when every task waits, so each output's time is
//! exact. Every expected timeline below is worked out by hand from the schedule.
//!
//! The schedule: readings at ticks 0 1 2 3 · 9 10 · 17 18 19 20 21 · 29 30 · 36 (10 ms a tick),
//! the stream closing at 450 ms, with fixed values so each reading can be told apart.

use std::time::Duration;

use chapter_21::operators::{
    self, Operator, alarms, batches, batches_in_time, fahrenheit, map_fahrenheit, merged, paired,
    running_max, settled, spaced, throttle_first,
};
use chapter_21::timeline::{BURSTY_TICKS, Event, Reading, Schedule, collect_timed, spawn_sensor};
use common::Variants;
use tokio::time::Instant;

const VALUES: [i64; 14] = [20, 26, 22, 24, 30, 18, 25, 27, 21, 19, 23, 28, 16, 29];

fn schedule() -> Schedule {
    let readings: Vec<(u32, i64)> = BURSTY_TICKS.iter().copied().zip(VALUES).collect();
    Schedule::from_ticks(operators::TICK, &readings, 45)
}

/// `(output ms, value)` of each output.
fn timeline(out: &[Event<Reading>]) -> Vec<(u128, i64)> {
    out.iter()
        .map(|e| (e.at.as_millis(), e.value.value))
        .collect()
}

/// `(output ms, values)` of each batch.
fn batch_timeline(out: &[Event<Vec<Reading>>]) -> Vec<(u128, Vec<i64>)> {
    out.iter()
        .map(|e| (e.at.as_millis(), e.value.iter().map(|r| r.value).collect()))
        .collect()
}

/// `(ms, value)` of every reading as scheduled.
fn inputs() -> Vec<(u128, i64)> {
    BURSTY_TICKS
        .iter()
        .zip(VALUES)
        .map(|(&t, v)| (u128::from(t) * 10, v))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_sensor_takes_its_readings_exactly_on_schedule() {
    let start = Instant::now();
    let (stream, taken) = spawn_sensor(schedule(), start);
    let received = collect_timed(stream, start).await;
    let taken = taken.await.expect("sensor task");
    let as_pairs: Vec<(u128, i64)> = taken.iter().map(|r| (r.at.as_millis(), r.value)).collect();
    assert_eq!(as_pairs, inputs());
    // Received the moment they were taken, and the stream ends when the sensor closes.
    assert_eq!(timeline(&received), inputs());
    assert_eq!(start.elapsed(), Duration::from_millis(450));
}

#[tokio::test(start_paused = true)]
async fn map_filter_and_scan_change_values_not_times() {
    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let mapped = collect_timed(map_fahrenheit(s), start).await;
    let expected: Vec<(u128, i64)> = inputs().iter().map(|&(t, v)| (t, fahrenheit(v))).collect();
    assert_eq!(timeline(&mapped), expected);

    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let filtered = collect_timed(alarms(s), start).await;
    assert_eq!(
        timeline(&filtered),
        vec![
            (10, 26),
            (90, 30),
            (170, 25),
            (180, 27),
            (290, 28),
            (360, 29)
        ]
    );

    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let maxima = collect_timed(running_max(s), start).await;
    let max_values: Vec<i64> = maxima.iter().map(|e| e.value.value).collect();
    assert_eq!(
        max_values,
        vec![20, 26, 26, 26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30]
    );
    let times: Vec<u128> = maxima.iter().map(|e| e.at.as_millis()).collect();
    assert_eq!(times, inputs().iter().map(|&(t, _)| t).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn chunks_waits_for_a_full_batch_and_chunks_timeout_does_not() {
    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let fixed = collect_timed(batches(s), start).await;
    assert_eq!(
        batch_timeline(&fixed),
        vec![
            (20, vec![20, 26, 22]),
            // 24 (at 30 ms) waits for the next burst: 70 ms in a half-full batch.
            (100, vec![24, 30, 18]),
            (190, vec![25, 27, 21]),
            (290, vec![19, 23, 28]),
            // The leftovers leave only when the stream ends.
            (450, vec![16, 29]),
        ]
    );

    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let timed = collect_timed(batches_in_time(s), start).await;
    assert_eq!(
        batch_timeline(&timed),
        vec![
            (20, vec![20, 26, 22]),
            (60, vec![24]), // 30 ms after 24 arrived
            (120, vec![30, 18]),
            (190, vec![25, 27, 21]),
            (230, vec![19, 23]),
            (320, vec![28, 16]),
            (390, vec![29]),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn merge_interleaves_by_arrival_and_zip_waits_for_the_slower_half() {
    let humidity = operators::humidity_schedule(Duration::from_millis(450));
    assert_eq!(humidity.len(), 8, "25, 75, …, 375 ms");

    let start = Instant::now();
    let (t, _) = spawn_sensor(schedule(), start);
    let (h, _) = spawn_sensor(humidity.clone(), start);
    let out = collect_timed(merged(t, h), start).await;
    let got: Vec<(u128, String)> = out
        .iter()
        .map(|e| {
            (
                e.at.as_millis(),
                format!("{}{}", e.value.sensor, e.value.reading.value),
            )
        })
        .collect();
    let mut expected: Vec<(u128, String)> = inputs()
        .iter()
        .map(|&(t, v)| (t, format!("T{v}")))
        .chain((0..8).map(|i| (25 + 50 * i as u128, format!("H{}", 40 + i))))
        .collect();
    expected.sort();
    assert_eq!(got, expected, "every reading of both, at its own time");

    let start = Instant::now();
    let (t, _) = spawn_sensor(schedule(), start);
    let (h, _) = spawn_sensor(humidity, start);
    let out = collect_timed(paired(t, h), start).await;
    let got: Vec<(u128, i64, i64, u128)> = out
        .iter()
        .map(|e| {
            (
                e.at.as_millis(),
                e.value.0.value,
                e.value.1.value,
                e.value.0.at.as_millis(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (25, 20, 40, 0),
            (75, 26, 41, 10),
            (125, 22, 42, 20),
            (175, 24, 43, 30),
            (225, 30, 44, 90),
            (275, 18, 45, 100),
            (325, 25, 46, 170),
            (375, 27, 47, 180),
        ],
        "each pair leaves with its humidity reading; the temperature waits longer and longer"
    );
}

#[tokio::test(start_paused = true)]
async fn throttle_delays_and_throttle_first_drops() {
    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let out = collect_timed(spaced(s), start).await;
    assert_eq!(
        timeline(&out),
        vec![
            (0, 20),
            (25, 26),
            (50, 22),
            (75, 24),
            (100, 30),
            (125, 18),
            (170, 25),
            (195, 27),
            (220, 21),
            (245, 19),
            (270, 23),
            (295, 28),
            (320, 16),
            (360, 29),
        ],
        "all kept, at least 25 ms apart: a burst leaves late"
    );

    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let out = collect_timed(throttle_first(s, operators::THROTTLE), start).await;
    assert_eq!(
        timeline(&out),
        vec![
            (0, 20),
            (30, 24),
            (90, 30),
            (170, 25),
            (200, 19),
            (290, 28),
            (360, 29)
        ],
        "one through, then 25 ms of drops; nothing delayed"
    );
}

#[tokio::test(start_paused = true)]
async fn debounce_emits_each_bursts_last_reading_a_quiet_period_later() {
    let start = Instant::now();
    let (s, _) = spawn_sensor(schedule(), start);
    let out = collect_timed(settled(s), start).await;
    assert_eq!(
        timeline(&out),
        vec![(70, 24), (140, 18), (250, 23), (340, 16), (400, 29)]
    );
}

#[tokio::test(start_paused = true)]
async fn every_operator_obeys_its_rule_on_the_paused_clock() {
    for &operator in <Operator as Variants>::CASES {
        let run = operators::run_operator(operator, schedule()).await;
        assert!(run.obeys, "{operator}: {:?}", run.checks);
        assert!(run.items_in >= 14, "{operator}");
    }
}
