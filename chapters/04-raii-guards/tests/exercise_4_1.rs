//! Grading suite of exercise 4.1 (the permit guard), run by `cargo xtask exercise check 4.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_permits.rs`. Two passes: real threads under a watchdog (a
//! missing wake-up fails fast as a stall), and, with `--features shuttle`, the model checker
//! across many schedules.

use std::sync::Arc;

use chapter_4::permits::Semaphore;
use common::sync::atomic::{AtomicUsize, Ordering};

/// Takes a permit, counts the holders at once, records the most ever seen, and leaves.
fn hold_and_count(semaphore: &Semaphore, inside: &AtomicUsize, most: &AtomicUsize) {
    let _permit = semaphore.acquire();
    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
    most.fetch_max(now, Ordering::SeqCst);
    common::sync::thread::yield_now();
    inside.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn permits_are_counted_and_given_back() {
        let semaphore = Semaphore::new(2);
        assert_eq!(semaphore.available(), 2);
        let first = semaphore.acquire();
        let second = semaphore.acquire();
        assert_eq!(semaphore.available(), 0, "two permits taken");
        drop(first);
        assert_eq!(semaphore.available(), 1, "dropping a Permit gives it back");
        drop(second);
        assert_eq!(semaphore.available(), 2);
    }

    #[test]
    fn a_permit_comes_back_even_on_panic() {
        let semaphore = Semaphore::new(1);
        let mut taken = false;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _permit = semaphore.acquire();
            taken = semaphore.available() == 0;
            std::panic::resume_unwind(Box::new("deliberate"));
        }));
        assert!(result.is_err());
        assert!(taken, "acquire took the permit");
        assert_eq!(
            semaphore.available(),
            1,
            "the unwinding drop returned the permit"
        );
    }

    fn run_workers(permits: usize, workers: usize, rounds: usize) {
        let semaphore = Arc::new(Semaphore::new(permits));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let group = (0..workers)
            .map(|i| {
                let (semaphore, inside, most) = (
                    Arc::clone(&semaphore),
                    Arc::clone(&inside),
                    Arc::clone(&most),
                );
                worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                    for _ in 0..rounds {
                        hold_and_count(&semaphore, &inside, &most);
                        ctx.progress();
                    }
                })
            })
            .collect();
        let report = Watchdog::new(Duration::from_secs(20))
            .stall_after(Duration::from_secs(3))
            .run(group);
        assert_finished(&report, "is a waiter woken when a permit comes back?");
        let most = most.load(Ordering::SeqCst);
        assert!(
            most <= permits,
            "{most} holders at once with {permits} permits"
        );
        assert_eq!(semaphore.available(), permits, "every permit given back");
    }

    #[test]
    fn never_more_holders_than_permits() {
        run_workers(3, 8, 500);
    }

    #[test]
    fn a_waiter_is_woken_when_the_one_permit_returns() {
        run_workers(1, 2, 2_000);
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    #[test]
    fn no_schedule_lets_two_in_with_one_permit() {
        model_check(|| {
            let semaphore = Arc::new(Semaphore::new(1));
            let inside = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let (semaphore, inside, most) = (
                        Arc::clone(&semaphore),
                        Arc::clone(&inside),
                        Arc::clone(&most),
                    );
                    spawn_named(format!("worker {i}"), move || {
                        hold_and_count(&semaphore, &inside, &most)
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("no worker panicked");
            }
            assert_eq!(
                most.load(Ordering::SeqCst),
                1,
                "one permit, one holder at a time"
            );
            assert_eq!(semaphore.available(), 1, "the permit came back");
        });
    }

    #[test]
    fn no_schedule_loses_a_permit_with_two() {
        model_check(|| {
            let semaphore = Arc::new(Semaphore::new(2));
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let semaphore = Arc::clone(&semaphore);
                    spawn_named(format!("worker {i}"), move || {
                        for _ in 0..2 {
                            let _permit = semaphore.acquire();
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("no worker panicked");
            }
            assert_eq!(semaphore.available(), 2);
        });
    }
}
