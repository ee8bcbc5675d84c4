//! Grading suite of exercise 21.2 (sample), run by `cargo xtask exercise check 21.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_sample.rs`. Every test runs on tokio's paused clock, so the
//! times are exact, under a (virtual) time limit, so a sampler that never ends fails at once
//! instead of hanging the grader. Inputs arrive on odd milliseconds, so no item ties with a tick
//! (tokio's timer counts whole milliseconds).

use std::time::Duration;

use chapter_21::sample::sample;
use chapter_21::timeline::{Schedule, collect_timed, spawn_sensor};
use tokio::time::Instant;

const PERIOD: Duration = Duration::from_millis(10);

/// Samples items at the given milliseconds (values given), the input closing at `close` ms;
/// returns `(ms out, value)` and when the output ended, in ms.
async fn sampled(items: &[(u32, i64)], close: u32) -> (Vec<(u128, i64)>, u128) {
    let schedule = Schedule::from_ticks(Duration::from_millis(1), items, close);
    let start = Instant::now();
    let (input, _) = spawn_sensor(schedule, start);
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        collect_timed(sample(input, PERIOD), start),
    )
    .await
    .expect("the sampled stream never ended (60 s of virtual time)");
    let out = out
        .iter()
        .map(|e| (e.at.as_millis(), e.value.value))
        .collect();
    (out, start.elapsed().as_millis())
}

#[tokio::test(start_paused = true)]
async fn a_fast_input_gives_the_latest_item_at_each_tick() {
    // Item k at 2k + 1 ms, for k in 0..25 (1, 3, …, 49 ms); the input closes at 51 ms.
    let items: Vec<(u32, i64)> = (0..25).map(|k| (2 * k + 1, i64::from(k))).collect();
    let (out, _) = sampled(&items, 51).await;
    assert_eq!(out, vec![(10, 4), (20, 9), (30, 14), (40, 19), (50, 24)]);
}

#[tokio::test(start_paused = true)]
async fn quiet_ticks_emit_nothing_and_nothing_comes_out_twice() {
    // Items at 1, 3 and 35 ms; the input closes at 65 ms.
    let (out, ended) = sampled(&[(1, 1), (3, 2), (35, 3)], 65).await;
    assert_eq!(out, vec![(10, 2), (40, 3)]);
    assert_eq!(ended, 65, "the output ends with the input");
}

#[tokio::test(start_paused = true)]
async fn the_held_item_comes_out_when_the_input_ends() {
    // Items at 1 and 13 ms; the input closes at 14 ms, before the 20 ms tick.
    let (out, _) = sampled(&[(1, 1), (13, 2)], 14).await;
    assert_eq!(out, vec![(10, 1), (14, 2)]);
}

#[tokio::test(start_paused = true)]
async fn an_empty_input_gives_nothing_and_ends_with_it() {
    let (out, ended) = sampled(&[], 25).await;
    assert_eq!(out, vec![]);
    assert_eq!(ended, 25);
}
