//! Hot and cold streams on tokio's paused clock: who gets which readings, exactly.
//!
//! The schedule is the examples' bursty one with fixed values: readings at 0 10 20 30 · 90 100 ·
//! 170 180 190 200 210 · 290 300 · 360 ms, closing at 450 ms.

use std::time::Duration;

use chapter_21::hot_and_cold::{self, Received, Temperature, checks, run_hot_cold};
use chapter_21::timeline::{BURSTY_TICKS, Schedule};

const VALUES: [i64; 14] = [20, 26, 22, 24, 30, 18, 25, 27, 21, 19, 23, 28, 16, 29];

fn schedule() -> Schedule {
    let readings: Vec<(u32, i64)> = BURSTY_TICKS.iter().copied().zip(VALUES).collect();
    Schedule::from_ticks(hot_and_cold::TICK, &readings, 45)
}

fn times(received: &[chapter_21::timeline::Event<Received>]) -> Vec<u128> {
    received.iter().map(|e| e.at.as_millis()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_cold_stream_replays_everything_for_each_subscriber() {
    let run = run_hot_cold(Temperature::Cold, schedule()).await;
    let [a, b] = &run.subscribers;
    assert_eq!(run.sensor_starts, 2, "one run per subscriber");
    assert_eq!(a.values(), VALUES);
    assert_eq!(
        b.values(),
        VALUES,
        "the late subscriber still gets the first reading"
    );
    let a_times = times(&a.received);
    let b_times = times(&b.received);
    assert_eq!(a_times[0], 0);
    assert_eq!(
        b_times,
        a_times.iter().map(|t| t + 120).collect::<Vec<_>>(),
        "B's run is A's, shifted by its 120 ms late start"
    );
    assert!(checks(Temperature::Cold, &run).iter().all(|(_, ok)| *ok));
}

#[tokio::test(start_paused = true)]
async fn a_late_subscriber_to_a_hot_stream_misses_what_came_before_and_is_not_told() {
    let run = run_hot_cold(Temperature::Hot, schedule()).await;
    let [a, b] = &run.subscribers;
    assert_eq!(run.sensor_starts, 1, "one shared run");
    assert_eq!(a.values(), VALUES);
    assert_eq!(b.subscribed_at, Duration::from_millis(120));
    assert_eq!(
        b.values(),
        vec![25, 27, 21, 19, 23, 28, 16, 29],
        "only the readings from 170 ms on"
    );
    assert_eq!(b.told_missed(), 0, "nobody tells a late subscriber");
    assert_eq!(
        times(&b.received),
        vec![170, 180, 190, 200, 210, 290, 300, 360]
    );
    assert!(checks(Temperature::Hot, &run).iter().all(|(_, ok)| *ok));
}

#[tokio::test(start_paused = true)]
async fn a_lagging_subscriber_loses_the_oldest_and_is_told_how_many() {
    let run = run_hot_cold(Temperature::Lagging, schedule()).await;
    let [a, b] = &run.subscribers;
    assert_eq!(a.values(), VALUES, "the fast subscriber keeps up");
    // B works 47 ms a reading on a channel of 4. Worked out by hand: at 200 and 210 ms the
    // channel is full (25, 27, 21, 19) and overwrites 18, then 25; B, back at 235 ms, hears
    // Lagged(2) and goes on from 27.
    let got: Vec<(u128, String)> = b
        .received
        .iter()
        .map(|e| {
            let what = match &e.value {
                Received::Reading(r) => r.value.to_string(),
                Received::Missed(n) => format!("missed {n}"),
            };
            (e.at.as_millis(), what)
        })
        .collect();
    let expected: Vec<(u128, String)> = [
        (0, "20"),
        (47, "26"),
        (94, "22"),
        (141, "24"),
        (188, "30"),
        (235, "missed 2"),
        (235, "27"),
        (282, "21"),
        (329, "19"),
        (376, "23"),
        (423, "28"),
        (470, "16"),
        (517, "29"),
    ]
    .iter()
    .map(|&(t, v)| (t, v.to_string()))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(b.told_missed() + b.values().len() as u64, 14);
    assert!(checks(Temperature::Lagging, &run).iter().all(|(_, ok)| *ok));
}
