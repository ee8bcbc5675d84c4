//! Grading suite of exercise 17.1 (`atomic_max`), run by `cargo xtask exercise check 17.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_atomic_max.rs`. Real threads under a watchdog: a loop that
//! never ends fails fast instead of hanging the grader. (The loom suite checks the same function
//! across every interleaving of two threads.)

#![cfg(not(loom))]

use std::sync::Arc;
use std::time::Duration;

use chapter_17::max::atomic_max;
use common::testing;
use common::watchdog::panic_message;
use std::sync::atomic::{AtomicU64, Ordering};

fn watched<R: Send + 'static>(name: &str, body: impl FnOnce() -> R + Send + 'static) -> R {
    testing::watched(name, Duration::from_secs(30), body)
}

#[test]
fn returns_the_previous_value_and_only_grows() {
    watched("one thread", || {
        let cell = AtomicU64::new(5);
        assert_eq!(
            atomic_max(&cell, 3),
            5,
            "a smaller value leaves it as it was"
        );
        assert_eq!(cell.load(Ordering::Relaxed), 5);
        assert_eq!(atomic_max(&cell, 9), 5, "returns the value it replaced");
        assert_eq!(cell.load(Ordering::Relaxed), 9);
        assert_eq!(atomic_max(&cell, 9), 9, "an equal value changes nothing");
        assert_eq!(atomic_max(&cell, u64::MAX), 9);
        assert_eq!(cell.load(Ordering::Relaxed), u64::MAX);
    });
}

#[test]
fn four_threads_end_at_the_true_maximum() {
    const THREADS: u64 = 4;
    const EACH: u64 = 50_000;
    watched("four threads", || {
        let cell = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let cell = Arc::clone(&cell);
                std::thread::spawn(move || {
                    // Interleaved rising values: thread t offers t, t + 4, t + 8, ...
                    let mut returned_ok = true;
                    for i in 0..EACH {
                        let value = i * THREADS + t;
                        let previous = atomic_max(&cell, value);
                        // Every value ever stored is one somebody offered: below the maximum.
                        returned_ok &= previous < THREADS * EACH;
                    }
                    returned_ok
                })
            })
            .collect();
        for h in handles {
            let returned_ok = h
                .join()
                .unwrap_or_else(|e| panic!("a worker thread panicked: {}", panic_message(&*e)));
            assert!(returned_ok, "a return value was never offered");
        }
        assert_eq!(cell.load(Ordering::Relaxed), THREADS * EACH - 1);
    });
}
