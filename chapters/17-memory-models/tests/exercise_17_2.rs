//! Grading suite of exercise 17.2 (`SpinLock`), run by `cargo xtask exercise check 17.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_spin_lock.rs`. Real threads under a watchdog: a lock that is
//! never released fails fast with a report instead of hanging the grader. (The loom suite checks
//! the same lock across every interleaving of two threads, orderings included.)

#![cfg(not(loom))]

use std::sync::Arc;
use std::time::Duration;

use chapter_17::spin::SpinLock;
use common::testing;
use common::watchdog::panic_message;

fn watched<R: Send + 'static>(name: &str, body: impl FnOnce() -> R + Send + 'static) -> R {
    testing::watched(name, Duration::from_secs(10), body)
}

#[test]
fn a_dropped_guard_frees_the_lock() {
    watched("one thread", || {
        let lock = SpinLock::new(vec![1]);
        lock.lock().push(2);
        // If the first guard's drop did not release, this second lock() would spin forever
        // (and the watchdog would fail the test).
        lock.lock().push(3);
        assert_eq!(*lock.lock(), vec![1, 2, 3]);
        assert_eq!(lock.into_inner(), vec![1, 2, 3]);
    });
}

#[test]
fn four_threads_keep_every_increment() {
    const THREADS: u64 = 4;
    const EACH: u64 = 20_000;
    watched("four threads", || {
        let lock = Arc::new(SpinLock::new(0u64));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let lock = Arc::clone(&lock);
                std::thread::spawn(move || {
                    for _ in 0..EACH {
                        // A read and a write under one guard: only mutual exclusion keeps it.
                        let mut guard = lock.lock();
                        let seen = *guard;
                        *guard = seen + 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join()
                .unwrap_or_else(|e| panic!("a worker thread panicked: {}", panic_message(&*e)));
        }
        assert_eq!(*lock.lock(), THREADS * EACH);
    });
}
