//! Grading suite of exercise 21.1 (debounce), run by `cargo xtask exercise check 21.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_debounce.rs`. Every test runs on tokio's paused clock, so the
//! times are exact, under a (virtual) time limit, so a debouncer that never emits fails at once
//! instead of hanging the grader.

use std::time::Duration;

use chapter_21::debounce::debounce;
use chapter_21::timeline::{Schedule, collect_timed, spawn_sensor};
use tokio::time::Instant;

const QUIET: Duration = Duration::from_millis(40);

/// Debounces readings at `ticks` ms (values 1, 2, 3, …), the input closing at `close` ms;
/// returns `(ms out, value)` and when the output ended.
async fn debounced(ticks: &[u32], close: u32) -> (Vec<(u128, i64)>, u128) {
    let readings: Vec<(u32, i64)> = ticks.iter().zip(1..).map(|(&t, v)| (t, v)).collect();
    let schedule = Schedule::from_ticks(Duration::from_millis(1), &readings, close);
    let start = Instant::now();
    let (input, _) = spawn_sensor(schedule, start);
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        collect_timed(debounce(input, QUIET), start),
    )
    .await
    .expect("the debounced stream never ended (60 s of virtual time)");
    let out = out
        .iter()
        .map(|e| (e.at.as_millis(), e.value.value))
        .collect();
    (out, start.elapsed().as_millis())
}

#[tokio::test(start_paused = true)]
async fn a_burst_becomes_its_last_item_a_quiet_period_later() {
    let (out, _) = debounced(&[0, 10, 20, 30], 200).await;
    assert_eq!(
        out,
        vec![(70, 4)],
        "only 4, 40 ms after it arrived at 30 ms"
    );
}

#[tokio::test(start_paused = true)]
async fn every_new_item_restarts_the_timer() {
    // Gaps of 30 ms, shorter than the quiet period: the timer never runs out until the end.
    let (out, _) = debounced(&[0, 30, 60, 90], 300).await;
    assert_eq!(out, vec![(130, 4)]);
}

#[tokio::test(start_paused = true)]
async fn items_further_apart_than_the_quiet_period_all_come_out() {
    let (out, _) = debounced(&[0, 50, 100], 300).await;
    assert_eq!(out, vec![(40, 1), (90, 2), (140, 3)]);
}

#[tokio::test(start_paused = true)]
async fn the_held_item_comes_out_when_the_input_ends() {
    let (out, ended) = debounced(&[0, 10], 25).await;
    assert_eq!(out, vec![(25, 2)], "flushed at the end, not 40 ms after");
    assert_eq!(ended, 25);
}

#[tokio::test(start_paused = true)]
async fn an_empty_input_gives_nothing_and_ends_with_it() {
    let (out, ended) = debounced(&[], 30).await;
    assert_eq!(out, vec![]);
    assert_eq!(ended, 30);
}
