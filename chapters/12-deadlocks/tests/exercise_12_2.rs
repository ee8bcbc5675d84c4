//! Grading suite of exercise 12.2 (the waiter), run by `cargo xtask exercise check 12.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_waiter.rs`. Two passes: real threads under a watchdog (a
//! deadlock fails fast with the wait-for cycle named), and, with `--features shuttle`, the model
//! checker across many schedules.

use std::sync::Arc;

use chapter_12::waiter::Waiter;
use common::sync::atomic::{AtomicUsize, Ordering};

/// Sits down, counts the diners seated at once, records the most ever seen, and leaves.
fn sit_and_count(waiter: &Waiter, seated: &AtomicUsize, most: &AtomicUsize) {
    let _seat = waiter.sit_down();
    let now = seated.fetch_add(1, Ordering::SeqCst) + 1;
    most.fetch_max(now, Ordering::SeqCst);
    common::sync::thread::yield_now();
    seated.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use chapter_12::dining_philosophers::{Pacing, Strategy, run_table};
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn seats_are_counted_and_given_back() {
        let waiter = Waiter::new(2);
        assert_eq!(waiter.free_seats(), 2);
        let first = waiter.sit_down();
        let second = waiter.sit_down();
        assert_eq!(waiter.free_seats(), 0, "two seats taken");
        drop(first);
        assert_eq!(waiter.free_seats(), 1, "dropping a Seat gives it back");
        drop(second);
        assert_eq!(waiter.free_seats(), 2);
    }

    #[test]
    fn never_more_diners_than_seats() {
        let waiter = Arc::new(Waiter::new(3));
        let seated = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let workers = (0..8)
            .map(|i| {
                let (waiter, seated, most) =
                    (Arc::clone(&waiter), Arc::clone(&seated), Arc::clone(&most));
                worker(format!("diner {i}"), move |ctx: &WorkerCtx| {
                    for _ in 0..500 {
                        sit_and_count(&waiter, &seated, &most);
                        ctx.progress();
                    }
                })
            })
            .collect();
        let report = Watchdog::new(Duration::from_secs(20))
            .stall_after(Duration::from_secs(3))
            .run(workers);
        assert_finished(&report, "");
        let most = most.load(Ordering::SeqCst);
        assert!(most <= 3, "{most} diners seated at once with 3 seats");
        assert_eq!(waiter.free_seats(), 3, "every seat given back");
    }

    #[test]
    fn left_then_right_philosophers_with_a_waiter_all_eat() {
        let report = run_table(
            5,
            Strategy::Arbitrator,
            300,
            Pacing::none(),
            12,
            Duration::from_secs(20),
        );
        // The ending first: a deadlock's cycle says more than the aborted threads' panics.
        assert_finished(&report, "");
        assert_eq!(report.total_progress(), 5 * 300);
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use chapter_12::dining_philosophers::{Pacing, Strategy, Table, dine};
    use common::deadlock::LockGraph;
    use common::rng::SplitMix64;
    use common::sync::{model_check, spawn_named};
    use common::watchdog::WorkerCtx;

    #[test]
    fn no_schedule_seats_too_many() {
        model_check(|| {
            let waiter = Arc::new(Waiter::new(1));
            let seated = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let (waiter, seated, most) =
                        (Arc::clone(&waiter), Arc::clone(&seated), Arc::clone(&most));
                    spawn_named(format!("diner {i}"), move || {
                        sit_and_count(&waiter, &seated, &most)
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("no thread panicked");
            }
            assert_eq!(
                most.load(Ordering::SeqCst),
                1,
                "one seat, one diner at a time"
            );
            assert_eq!(waiter.free_seats(), 1);
        });
    }

    #[test]
    fn no_schedule_deadlocks_the_seated_philosophers() {
        model_check(|| {
            let graph = LockGraph::new();
            let table = Arc::new(Table::new(&graph, 3));
            let threads: Vec<_> = (0..3)
                .map(|seat| {
                    let table = Arc::clone(&table);
                    spawn_named(format!("philosopher {seat}"), move || {
                        let mut rng = SplitMix64::new(seat as u64);
                        let ctx = WorkerCtx::detached();
                        dine(
                            &table,
                            seat,
                            Strategy::Arbitrator,
                            2,
                            &Pacing::none(),
                            &mut rng,
                            &ctx,
                        )
                    })
                })
                .collect();
            for t in threads {
                assert_eq!(t.join().expect("no thread panicked"), Ok(2));
            }
        });
    }
}
