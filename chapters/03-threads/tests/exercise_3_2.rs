//! Grading suite of exercise 3.2 (the priority queue's `push`, `pop` and `close`), run by `cargo
//! xtask exercise check 3.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_priority_queue.rs`. Two passes: real threads under a watchdog
//! (a worker left asleep at `close` fails fast with the stall named), and, with `--features
//! shuttle`, the model checker across many schedules.

use std::sync::Arc;

use chapter_3::priority_queue::PriorityQueue;
use chapter_3::priority_workers::{Task, each_once, non_increasing, work_through};
use common::sync::{spawn_named, thread};

/// `producers` threads push `per_producer` tasks each while `workers` threads pop; then the
/// queue is closed. Returns what each worker took.
fn produce_and_drain(producers: u64, per_producer: u64, workers: usize) -> Vec<Vec<Task>> {
    let queue = Arc::new(PriorityQueue::new());
    let worker_threads: Vec<_> = (0..workers)
        .map(|w| {
            let queue = Arc::clone(&queue);
            spawn_named(format!("worker {w}"), move || {
                work_through(&queue, &mut |_| {})
            })
        })
        .collect();
    let producer_threads: Vec<_> = (0..producers)
        .map(|p| {
            let queue = Arc::clone(&queue);
            spawn_named(format!("producer {p}"), move || {
                for i in 0..per_producer {
                    let id = p * per_producer + i;
                    let task = Task {
                        priority: (id % 7) as u8,
                        id,
                    };
                    assert!(queue.push(task).is_ok(), "push before close must succeed");
                }
            })
        })
        .collect();
    for p in producer_threads {
        p.join().expect("producer");
    }
    queue.close();
    worker_threads
        .into_iter()
        .map(|w| w.join().expect("worker"))
        .collect()
}

/// Fills the queue, then starts `workers` workers and closes at once.
fn prefilled(priorities: &[u8], workers: usize) -> Vec<Vec<Task>> {
    let queue = Arc::new(PriorityQueue::new());
    for (id, &priority) in priorities.iter().enumerate() {
        assert!(
            queue
                .push(Task {
                    priority,
                    id: id as u64
                })
                .is_ok()
        );
    }
    let threads: Vec<_> = (0..workers)
        .map(|w| {
            let queue = Arc::clone(&queue);
            spawn_named(format!("worker {w}"), move || {
                work_through(&queue, &mut |_| thread::yield_now())
            })
        })
        .collect();
    queue.close();
    threads
        .into_iter()
        .map(|t| t.join().expect("worker"))
        .collect()
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing;
    use std::time::Duration;

    fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched_with_hint(
            "grader",
            Duration::from_secs(3),
            "is a worker asleep in pop() after close()? close must wake every waiter.",
            body,
        )
    }

    #[test]
    fn one_worker_gets_the_greatest_first_and_close_refuses_more() {
        let queue = PriorityQueue::new();
        for n in [3, 9, 1, 7] {
            assert!(queue.push(n).is_ok());
        }
        assert_eq!(queue.len(), 4);
        assert!(!queue.is_closed());
        queue.close();
        assert!(queue.is_closed());
        assert_eq!(
            queue.push(5),
            Err(5),
            "push after close gives the item back"
        );
        let order: Vec<i32> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(order, [9, 7, 3, 1]);
        assert!(queue.is_empty());
        assert_eq!(queue.pop(), None, "closed and drained: None at once");
    }

    #[test]
    fn producers_and_workers_lose_nothing_and_all_stop_at_close() {
        let per_worker = watched(|| produce_and_drain(3, 400, 4));
        assert!(each_once(&per_worker, 1_200), "lost or duplicated a task");
    }

    #[test]
    fn workers_blocked_on_an_empty_queue_wake_at_close() {
        let taken = watched(|| {
            let queue = Arc::new(PriorityQueue::<Task>::new());
            let workers: Vec<_> = (0..4)
                .map(|w| {
                    let queue = Arc::clone(&queue);
                    spawn_named(format!("worker {w}"), move || queue.pop())
                })
                .collect();
            // Give the workers time to fall asleep in `pop`, so `close` must wake them all.
            std::thread::sleep(Duration::from_millis(50));
            queue.close();
            workers
                .into_iter()
                .map(|w| w.join().expect("worker"))
                .collect::<Vec<_>>()
        });
        assert_eq!(taken, [None, None, None, None]);
    }

    #[test]
    fn each_worker_sees_non_increasing_priorities() {
        let priorities: Vec<u8> = (0..300u32).map(|i| (i * 7 % 10) as u8).collect();
        let per_worker = watched(move || prefilled(&priorities, 4));
        for taken in &per_worker {
            assert!(non_increasing(taken), "{taken:?}");
        }
        assert!(each_once(&per_worker, 300));
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_loses_a_task_or_strands_a_worker() {
        model_check(|| {
            let per_worker = produce_and_drain(2, 2, 2);
            assert!(each_once(&per_worker, 4), "{per_worker:?}");
        });
    }

    #[test]
    fn no_schedule_breaks_a_workers_priority_order() {
        model_check(|| {
            for taken in prefilled(&[2, 8, 5, 1], 2) {
                assert!(non_increasing(&taken), "{taken:?}");
            }
        });
    }
}
