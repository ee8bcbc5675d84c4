//! Model checking with shuttle: the chapter's own semaphore (its lock, condition variable and
//! threads come from shuttle under the `shuttle` feature) is run across many schedules. The
//! correct `acquire` never lets more than `limit` holders in and never loses a wake-up (every
//! thread finishes); the check-then-act version lets two in, and the checker finds the schedule.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-5 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_5::semaphore::{Permit, Semaphore};
use common::sync::atomic::{AtomicUsize, Ordering};
use common::sync::{model_check, spawn_named};

/// `threads` threads take a permit `rounds` times each; inside, they count how many are inside
/// and assert the bound.
fn contend(limit: usize, threads: usize, rounds: usize, take: fn(&Semaphore) -> Permit<'_>) {
    let semaphore = Arc::new(Semaphore::new(limit));
    let inside = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|who| {
            let semaphore = Arc::clone(&semaphore);
            let inside = Arc::clone(&inside);
            spawn_named(format!("request {who}"), move || {
                for _ in 0..rounds {
                    let permit = take(&semaphore);
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    assert!(
                        now <= limit,
                        "more permits held than the limit: {now} inside, limit {limit}"
                    );
                    inside.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("no thread panicked");
    }
    assert_eq!(semaphore.available(), limit, "every permit came back");
}

#[test]
fn shuttle_finds_no_schedule_that_breaks_the_bound_or_loses_a_wakeup() {
    model_check(|| contend(1, 3, 2, Semaphore::acquire));
    model_check(|| contend(2, 3, 2, Semaphore::acquire));
}

#[test]
#[should_panic(expected = "more permits held than the limit")]
fn shuttle_finds_the_check_then_act_race() {
    model_check(|| contend(1, 2, 2, Semaphore::acquire_check_then_act));
}
