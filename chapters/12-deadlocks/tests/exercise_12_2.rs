//! Grading suite of exercise 12.2 (the waiter), run by `cargo xtask exercise check 12.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_waiter.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a deadlock or a
//! stall fails fast and names who waits), and, with `--cfg shuttle`, the model checker.
//!
//! What is checked, as the task states it: never more diners than seats, every seat given back,
//! a diner who finds no seat *waits* (a blocked thread uses no CPU; one that spins does), and is
//! woken when a seat comes back.

/// The tests, against the waiter module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::Waiter;
        use common::sync::atomic::{AtomicUsize, Ordering};

        /// Sits down, counts the diners seated at once, records the most ever seen, and leaves.
        fn sit_and_count(waiter: &Waiter, seated: &AtomicUsize, most: &AtomicUsize) {
            let _seat = waiter.sit_down();
            let now = seated.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            common::sync::thread::yield_now();
            seated.fetch_sub(1, Ordering::SeqCst);
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{assert_finished, thread_cpu_demand, watched_with_hint};
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
                assert_finished(&report, "a diner waiting for a seat was never woken");
                let most = most.load(Ordering::SeqCst);
                assert!(most <= 3, "{most} diners seated at once with 3 seats");
                assert_eq!(waiter.free_seats(), 3, "every seat given back");
            }

            /// One seat, held for 300 ms by the test while a diner asks for it: the diner must
            /// sleep (no CPU) and sit down once the seat comes back.
            #[test]
            fn a_diner_without_a_seat_sleeps_until_one_is_free() {
                const HELD: Duration = Duration::from_millis(300);
                let never_woken = "a diner waiting for a seat was never woken (when a seat comes \
                                   back, wake a waiter)";
                let used = watched_with_hint("the test", Duration::from_secs(5), never_woken, || {
                    diner_uses_while_waiting(HELD)
                });
                // A sleeping thread wants no CPU; one that spins wants it all the time it waits
                // (running, or queued to run on a loaded machine).
                assert!(
                    used <= HELD / 6,
                    "spins instead of blocking: the waiting diner wanted the CPU for {} ms of {} \
                     ms (wait on the condition variable while no seat is free)",
                    used.as_millis(),
                    HELD.as_millis()
                );
            }

            /// How long a diner wants the CPU while the only seat is held for `held`.
            fn diner_uses_while_waiting(held: Duration) -> Duration {
                let waiter = Arc::new(Waiter::new(1));
                let seat = waiter.sit_down();
                let sat = Arc::new(AtomicUsize::new(0));
                let (diner_waiter, diner_sat) = (Arc::clone(&waiter), Arc::clone(&sat));
                let diner = std::thread::spawn(move || {
                    let before = thread_cpu_demand().expect("Linux has schedstat");
                    let seat = diner_waiter.sit_down();
                    let used = thread_cpu_demand().expect("still readable") - before;
                    diner_sat.store(1, Ordering::SeqCst);
                    drop(seat);
                    used
                });
                std::thread::sleep(held);
                assert_eq!(sat.load(Ordering::SeqCst), 0, "sat down on a taken seat");
                drop(seat);
                let used = diner.join().expect("the diner did not panic");
                assert_eq!(waiter.free_seats(), 1, "every seat given back");
                used
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            #[test]
            fn no_schedule_seats_too_many_or_loses_a_wake_up() {
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
                    let most = most.load(Ordering::SeqCst);
                    assert_eq!(most, 1, "{most} diners seated at once with 1 seat");
                    assert_eq!(waiter.free_seats(), 1, "every seat given back");
                });
            }
        }
    };
}

/// The learner's waiter (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_12::waiter);
}

/// The chapter's own philosophers seated by the graded waiter: all eat, none deadlock.
mod graded_at_the_table {
    #[cfg(not(shuttle))]
    #[test]
    fn left_then_right_philosophers_with_a_waiter_all_eat() {
        use chapter_12::dining_philosophers::{Pacing, Strategy, run_table};
        let report = run_table(
            5,
            Strategy::Arbitrator,
            300,
            Pacing::none(),
            12,
            std::time::Duration::from_secs(20),
        );
        // The ending first: a deadlock's cycle says more than the aborted threads' panics.
        common::testing::assert_finished(&report, "");
        assert_eq!(report.total_progress(), 5 * 300);
    }

    #[cfg(shuttle)]
    #[test]
    fn no_schedule_deadlocks_the_seated_philosophers() {
        use chapter_12::dining_philosophers::{Pacing, Strategy, Table, dine};
        use common::sync::{model_check, spawn_named};
        use std::sync::Arc;
        model_check(|| {
            let graph = common::deadlock::LockGraph::new();
            let table = Arc::new(Table::new(&graph, 3));
            let threads: Vec<_> = (0..3)
                .map(|seat| {
                    let table = Arc::clone(&table);
                    spawn_named(format!("philosopher {seat}"), move || {
                        let mut rng = common::rng::SplitMix64::new(seat as u64);
                        let ctx = common::watchdog::WorkerCtx::detached();
                        let none = Pacing::none();
                        dine(&table, seat, Strategy::Arbitrator, 2, &none, &mut rng, &ctx)
                    })
                })
                .collect();
            for t in threads {
                assert_eq!(t.join().expect("no thread panicked"), Ok(2));
            }
        });
    }
}

#[cfg(mutants)]
mod e2_busy_wait {
    suite!(chapter_12::mutants::e2_busy_wait);
}

#[cfg(mutants)]
mod e2_no_notify {
    suite!(chapter_12::mutants::e2_no_notify);
}

#[cfg(mutants)]
mod e2_if_not_while {
    suite!(chapter_12::mutants::e2_if_not_while);
}

#[cfg(mutants)]
mod e2_no_limit {
    suite!(chapter_12::mutants::e2_no_limit);
}
