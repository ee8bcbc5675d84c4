//! Grading suite of exercise 16.1 (the approximate counter), run by `cargo xtask exercise check
//! 16.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_approximate_counter.rs`. Two passes: real threads under a
//! watchdog (a deadlock or a panic fails fast with a reason), and, with `--features shuttle`, the
//! model checker across many schedules. (The loom pass checks the same invariants in
//! `loom_counter.rs`.)

#![cfg(not(loom))]

use std::sync::Arc;

use chapter_16::approximate_counter::ApproximateCounter;
use common::sync::atomic::{AtomicU64, Ordering};

/// `threads` threads each increment `each` times, counting in `done` *before* each increment, so
/// that the counter never legitimately holds more than `done`.
fn count(counter: &ApproximateCounter, done: &AtomicU64, me: usize, each: u64) {
    for _ in 0..each {
        done.fetch_add(1, Ordering::SeqCst);
        counter.increment(me);
    }
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing;
    use std::time::Duration;

    fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched("grader", Duration::from_secs(30), body)
    }

    #[test]
    fn the_read_moves_in_steps_of_the_threshold() {
        watched(|| {
            let counter = ApproximateCounter::new(2, 4);
            assert_eq!(counter.error_bound(), 6);
            for i in 1..=11 {
                counter.increment(0);
                // Thread 0's count reaches the global one at 4, 8, ...
                assert_eq!(counter.read(), i / 4 * 4, "after {i} increments");
            }
            counter.increment(1);
            assert_eq!(counter.read(), 8, "thread 1 holds its 1 locally");
            assert_eq!(counter.pending(), 3 + 1);
            counter.flush();
            assert_eq!(counter.read(), 12, "the flush makes the read exact");
            let every = ApproximateCounter::new(3, 1);
            every.increment(2);
            assert_eq!(
                every.read(),
                1,
                "threshold 1: every increment is global at once"
            );
        });
    }

    #[test]
    fn no_count_is_lost_and_reads_stay_within_the_bound() {
        const THREADS: usize = 4;
        const EACH: u64 = 20_000;
        watched(|| {
            let counter = Arc::new(ApproximateCounter::new(THREADS, 64));
            let done = Arc::new(AtomicU64::new(0));
            let workers: Vec<_> = (0..THREADS)
                .map(|me| {
                    let (counter, done) = (Arc::clone(&counter), Arc::clone(&done));
                    std::thread::spawn(move || count(&counter, &done, me, EACH))
                })
                .collect();
            let mut last = 0;
            for _ in 0..2_000 {
                let read = counter.read();
                let after = done.load(Ordering::SeqCst);
                assert!(
                    read <= after,
                    "a read ({read}) ran ahead of the counts done ({after})"
                );
                assert!(read >= last, "a read went backwards: {last} then {read}");
                last = read;
            }
            for w in workers {
                w.join().expect("no worker panicked");
            }
            let total = THREADS as u64 * EACH;
            let read = counter.read();
            assert!(
                total - read <= counter.error_bound(),
                "read {read} of {total}"
            );
            assert_eq!(read + counter.pending(), total, "a count was lost");
            counter.flush();
            assert_eq!(counter.read(), total);
        });
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    #[test]
    fn no_schedule_loses_a_count_or_reads_ahead() {
        model_check(|| {
            let counter = Arc::new(ApproximateCounter::new(2, 2));
            let done = Arc::new(AtomicU64::new(0));
            let threads: Vec<_> = (0..2)
                .map(|me| {
                    let (counter, done) = (Arc::clone(&counter), Arc::clone(&done));
                    spawn_named(format!("thread {me}"), move || {
                        count(&counter, &done, me, 3)
                    })
                })
                .collect();
            let first = counter.read();
            let second = counter.read();
            assert!(first <= second, "a read went backwards");
            assert!(second <= done.load(Ordering::SeqCst), "a read ran ahead");
            for t in threads {
                t.join().expect("no thread panicked");
            }
            let read = counter.read();
            assert!(6 - read <= counter.error_bound());
            assert_eq!(read + counter.pending(), 6, "a count was lost");
            counter.flush();
            assert_eq!(counter.read(), 6);
        });
    }
}
