//! Grading suite of exercise 4.2 (narrow the guard's scope), run by `cargo xtask exercise check
//! 4.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_narrow_scope.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, and, with
//! `--cfg shuttle`, the model checker.
//!
//! Two checks. One worker alone: its `slow` tries each lock (`try_lock`) and counts the calls
//! that found one taken; with one worker, a taken lock can only be its own guard, still alive,
//! so the count says exactly how often a lock was held across `slow`, on every run (one thread,
//! so on real threads only: there is no schedule to explore). Two
//! workers: the grader's `slow` waits until both are inside it, so a guard held across it (or a
//! worker that keeps all the items to itself) leaves the second outside; on real threads the
//! watchdog reports that as a stall, and the waiting worker says what it saw.

/// The tests, against the narrow-scope module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::work_through;
        use common::sync::Mutex;
        use common::sync::atomic::{AtomicUsize, Ordering};

        /// A list of numbers shared between the workers.
        type Shared = Arc<Mutex<Vec<u64>>>;

        /// A queue of `items` items and an empty results list.
        fn queue_of(items: u64) -> (Shared, Shared) {
            (
                Arc::new(Mutex::new((1..=items).collect())),
                Arc::new(Mutex::new(Vec::new())),
            )
        }

        /// Every item processed exactly once (the slow work squares it).
        fn assert_all_squared(results: &Mutex<Vec<u64>>, items: u64) {
            let mut done = common::sync::lock(results).clone();
            done.sort_unstable();
            let expected: Vec<u64> = (1..=items).map(|i| i * i).collect();
            assert_eq!(done, expected, "each item processed exactly once");
        }

        #[cfg(not(shuttle))]
        /// Whether `mutex` is locked right now (by anyone, this thread included).
        fn is_locked(mutex: &Mutex<Vec<u64>>) -> bool {
            matches!(mutex.try_lock(), Err(std::sync::TryLockError::WouldBlock))
        }

        #[cfg(not(shuttle))]
        /// One worker works through `items` items; its `slow` counts the calls that found the
        /// queue, or the results list, locked (by this worker: there is no other).
        fn one_worker_counts_held_locks(items: u64) {
            let (queue, results) = queue_of(items);
            let (calls, queue_held, results_held) =
                (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
            let slow = |x: u64| {
                calls.fetch_add(1, Ordering::SeqCst);
                if is_locked(&queue) {
                    queue_held.fetch_add(1, Ordering::SeqCst);
                }
                if is_locked(&results) {
                    results_held.fetch_add(1, Ordering::SeqCst);
                }
                x * x
            };
            work_through(&queue, &results, &slow);
            let calls = calls.load(Ordering::SeqCst);
            let queue_held = queue_held.load(Ordering::SeqCst);
            assert_eq!(
                queue_held, 0,
                "slow ran {calls} times, {queue_held} of them with the queue still locked: the \
                 queue's guard is alive while `slow` runs (a guard lives until the end of the \
                 block or statement that owns it)"
            );
            let results_held = results_held.load(Ordering::SeqCst);
            assert_eq!(
                results_held, 0,
                "slow ran {calls} times, {results_held} of them with the results list still \
                 locked: take the results guard only to push, after `slow` has returned"
            );
            assert_all_squared(&results, items);
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{assert_finished, watched};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::time::Duration;

            #[test]
            fn one_worker_holds_no_lock_while_slow_runs() {
                watched("one worker", Duration::from_secs(10), || {
                    one_worker_counts_held_locks(50)
                });
            }

            #[test]
            fn two_workers_are_inside_the_slow_work_at_once() {
                let (queue, results) = queue_of(20);
                let entered = Arc::new(AtomicUsize::new(0));
                // What the first worker to give up waiting saw.
                let seen = Arc::new(std::sync::Mutex::new(None::<String>));
                let group = (0..2)
                    .map(|i| {
                        let (queue, results, entered, seen) = (
                            Arc::clone(&queue),
                            Arc::clone(&results),
                            Arc::clone(&entered),
                            Arc::clone(&seen),
                        );
                        worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                            let meet = |x: u64| {
                                entered.fetch_add(1, Ordering::SeqCst);
                                // Wait for the other worker to enter the slow work too (or for
                                // the watchdog to give up, so a held guard fails instead of
                                // hanging).
                                while entered.load(Ordering::SeqCst) < 2 && !ctx.should_stop() {
                                    std::thread::yield_now();
                                }
                                if entered.load(Ordering::SeqCst) < 2 {
                                    let saw = if is_locked(&queue) {
                                        format!(
                                            "the queue was locked while worker {i} waited in \
                                             `slow`: is the queue's guard still alive while \
                                             `slow` runs?"
                                        )
                                    } else if is_locked(&results) {
                                        "the results list was locked while a worker waited in \
                                         `slow`: is its guard alive while `slow` runs?"
                                            .to_string()
                                    } else if common::sync::lock(&queue).is_empty() {
                                        format!(
                                            "the other worker found the queue empty while worker \
                                             {i} still had items to process: take one item at a \
                                             time, so every worker gets some"
                                        )
                                    } else {
                                        "the second worker never got into the slow work".into()
                                    };
                                    if let Ok(mut seen) = seen.lock() {
                                        seen.get_or_insert(saw);
                                    }
                                }
                                ctx.progress();
                                x * x
                            };
                            work_through(&queue, &results, &meet);
                        })
                    })
                    .collect();
                let report = Watchdog::new(Duration::from_secs(20))
                    .stall_after(Duration::from_secs(2))
                    .run(group);
                let saw = seen.lock().ok().and_then(|s| s.clone()).unwrap_or_else(|| {
                    "the second worker never got into the slow work: is the queue's guard still \
                     alive while `slow` runs?"
                        .to_string()
                });
                assert_finished(&report, &saw);
                assert_all_squared(&results, 20);
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check_bounded, spawn_named, thread};

            #[test]
            fn in_every_schedule_the_two_workers_meet_in_the_slow_work() {
                model_check_bounded(
                    || {
                        let (queue, results) = queue_of(3);
                        let entered = Arc::new(AtomicUsize::new(0));
                        let threads: Vec<_> = (0..2)
                            .map(|i| {
                                let (queue, results, entered) = (
                                    Arc::clone(&queue),
                                    Arc::clone(&results),
                                    Arc::clone(&entered),
                                );
                                spawn_named(format!("worker {i}"), move || {
                                    let meet = |x: u64| {
                                        entered.fetch_add(1, Ordering::SeqCst);
                                        while entered.load(Ordering::SeqCst) < 2 {
                                            thread::yield_now();
                                        }
                                        x * x
                                    };
                                    work_through(&queue, &results, &meet);
                                })
                            })
                            .collect();
                        for t in threads {
                            t.join().expect("no worker panicked");
                        }
                        assert_all_squared(&results, 3);
                    },
                    2_000,
                );
            }
        }
    };
}

/// The learner's `work_through` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_4::narrow_scope);
}

#[cfg(mutants)]
mod e2_guard_held {
    suite!(chapter_4::mutants::e2_guard_held);
}

#[cfg(mutants)]
mod e2_match_scrutinee {
    suite!(chapter_4::mutants::e2_match_scrutinee);
}

#[cfg(mutants)]
mod e2_results_guard_held {
    suite!(chapter_4::mutants::e2_results_guard_held);
}

#[cfg(mutants)]
mod e2_takes_everything {
    suite!(chapter_4::mutants::e2_takes_everything);
}

#[cfg(mutants)]
mod e2_while_let {
    suite!(chapter_4::mutants::e2_while_let);
}
