//! Grading suite of exercise 4.2 (narrow the guard's scope), run by `cargo xtask exercise check
//! 4.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_narrow_scope.rs`. The grader's slow work waits until both
//! workers are inside it: with the queue's guard held across it, the second worker can never
//! get in. On real threads the watchdog reports that as a stall; under shuttle (with
//! `--features shuttle`) the schedule exceeds its step bound.

use std::sync::Arc;

use chapter_4::narrow_scope::work_through;
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

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn one_worker_processes_every_item() {
        let (queue, results) = queue_of(50);
        work_through(&queue, &results, &|x| x * x);
        assert_all_squared(&results, 50);
    }

    #[test]
    fn two_workers_are_inside_the_slow_work_at_once() {
        let (queue, results) = queue_of(20);
        let entered = Arc::new(AtomicUsize::new(0));
        let group = (0..2)
            .map(|i| {
                let (queue, results, entered) = (
                    Arc::clone(&queue),
                    Arc::clone(&results),
                    Arc::clone(&entered),
                );
                worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                    let meet = |x: u64| {
                        entered.fetch_add(1, Ordering::SeqCst);
                        // Wait for the other worker to enter the slow work too (or for the
                        // watchdog to give up, so a held guard fails instead of hanging).
                        while entered.load(Ordering::SeqCst) < 2 && !ctx.should_stop() {
                            std::thread::yield_now();
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
        assert_finished(
            &report,
            "the second worker never got into the slow work: is the queue's guard still alive \
             while `slow` runs?",
        );
        assert_all_squared(&results, 20);
    }
}

#[cfg(feature = "shuttle")]
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
