//! Grading suite of exercise 10.1 (`gather_limited`), run by `cargo xtask exercise check 10.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_limited_gather.rs`. Async time is tokio's paused clock, so
//! "ten 100 ms jobs, three at a time, take 400 ms" is exact and takes no real time. Each test
//! runs under a `tokio::time::timeout`, so a learner's hang fails with a message.

#![cfg(not(feature = "shuttle"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chapter_10::limited_gather::gather_limited;
use tokio::time::{Instant, timeout};

/// Jobs that count how many are in progress at once; job `i` pauses `pauses[i]` ms, returns `i`.
fn jobs(
    pauses: &[u64],
    in_flight: &Arc<AtomicUsize>,
    peak: &Arc<AtomicUsize>,
) -> Vec<impl std::future::Future<Output = usize>> {
    pauses
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            let in_flight = Arc::clone(in_flight);
            let peak = Arc::clone(peak);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                i
            }
        })
        .collect()
}

const LIMIT: Duration = Duration::from_secs(60); // paused time: a hang, not slowness

#[tokio::test(start_paused = true)]
async fn ten_jobs_three_at_a_time_take_four_waves() {
    let (in_flight, peak) = (Arc::default(), Arc::default());
    let start = Instant::now();
    let results = timeout(
        LIMIT,
        gather_limited(jobs(&[100; 10], &in_flight, &peak), 3),
    )
    .await
    .expect("gather_limited hung (paused clock: it never finished)");
    assert_eq!(
        results,
        (0..10).collect::<Vec<_>>(),
        "results in input order"
    );
    assert_eq!(peak.load(Ordering::SeqCst), 3, "peak jobs in progress");
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(400),
        "10 jobs of 100 ms, 3 at a time: 4 waves (less means no limit, more means no concurrency)"
    );
}

#[tokio::test(start_paused = true)]
async fn results_keep_the_input_order_whatever_finishes_first() {
    let (in_flight, peak) = (Arc::default(), Arc::default());
    let pauses = [90, 10, 50, 30, 70, 20];
    let results = timeout(LIMIT, gather_limited(jobs(&pauses, &in_flight, &peak), 2))
        .await
        .expect("gather_limited hung");
    assert_eq!(results, [0, 1, 2, 3, 4, 5]);
    assert!(peak.load(Ordering::SeqCst) <= 2, "more than 2 in progress");
}

#[tokio::test(start_paused = true)]
async fn a_limit_of_zero_counts_as_one_and_a_large_limit_runs_all() {
    let (in_flight, peak) = (Arc::default(), Arc::default());
    let start = Instant::now();
    let results = timeout(LIMIT, gather_limited(jobs(&[10; 4], &in_flight, &peak), 0))
        .await
        .expect("a limit of 0 must count as 1, not wait forever");
    assert_eq!(results.len(), 4);
    assert_eq!(peak.load(Ordering::SeqCst), 1);
    assert_eq!(start.elapsed(), Duration::from_millis(40));

    let (in_flight, peak) = (Arc::default(), Arc::default());
    let results = timeout(
        LIMIT,
        gather_limited(jobs(&[10; 4], &in_flight, &peak), 100),
    )
    .await
    .expect("gather_limited hung");
    assert_eq!(results.len(), 4);
    assert_eq!(peak.load(Ordering::SeqCst), 4);
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    assert!(gather_limited(none, 3).await.is_empty());
}
