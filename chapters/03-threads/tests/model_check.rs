//! Model checking with shuttle: the chapter's own code, with shuttle's locks, condition
//! variables, channels and threads, across many schedules. The checker must *find* the hang in
//! the racy work queue (`is_empty()` then a blocking `get()`), and find nothing wrong with the
//! fix, the three counters, or the priority queue's workers and shutdown.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-3 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_3::priority_queue::PriorityQueue;
use chapter_3::priority_workers::{Task, each_once, non_increasing, work_through};
use chapter_3::synchronizing::{Way, count};
use chapter_3::work_queue::{BOOK_ITEMS, Taking, WorkQueue, drain};
use common::sync::{model_check, spawn_named, thread};

fn three_workers_drain(taking: Taking) {
    let queue = Arc::new(WorkQueue::filled(&BOOK_ITEMS));
    let workers: Vec<_> = (0..3)
        .map(|w| {
            let queue = Arc::clone(&queue);
            spawn_named(format!("worker {w}"), move || {
                drain(&queue, taking, &thread::yield_now, &mut |_| {})
            })
        })
        .collect();
    let mut all: Vec<u64> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("no panic"))
        .collect();
    all.sort_unstable();
    assert_eq!(all, [1, 3, 4, 10]);
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn shuttle_finds_the_workers_stranded_by_check_then_get() {
    model_check(|| three_workers_drain(Taking::CheckThenGet));
}

#[test]
fn shuttle_finds_no_hang_when_look_and_take_are_one_step() {
    model_check(|| three_workers_drain(Taking::PopOrStop));
}

#[test]
fn every_counter_is_exact_in_every_schedule() {
    for way in [Way::Lock, Way::Atomic, Way::Channel] {
        model_check(move || assert_eq!(count(way, 2, 3), 6, "{way:?}"));
    }
}

/// Two workers and a producer at once, then `close`: nothing lost or duplicated, and every
/// worker returns (a worker left asleep at shutdown is a deadlock shuttle reports).
#[test]
fn priority_workers_lose_nothing_and_stop_at_close() {
    model_check(|| {
        const ITEMS: u64 = 4;
        let queue = Arc::new(PriorityQueue::new());
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let queue = Arc::clone(&queue);
                spawn_named(format!("worker {w}"), move || {
                    work_through(&queue, &mut |_| {})
                })
            })
            .collect();
        let producer = {
            let queue = Arc::clone(&queue);
            spawn_named("producer", move || {
                for id in 0..ITEMS {
                    let priority = (id % 3) as u8;
                    assert!(queue.push(Task { priority, id }).is_ok());
                }
                queue.close();
            })
        };
        producer.join().expect("producer");
        let per_worker: Vec<Vec<Task>> = workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .collect();
        assert!(each_once(&per_worker, ITEMS), "{per_worker:?}");
    });
}

/// Queue filled before the workers start: each worker's priorities never go up.
#[test]
fn each_worker_sees_non_increasing_priorities() {
    model_check(|| {
        let queue = Arc::new(PriorityQueue::new());
        for (id, priority) in [3u8, 9, 1, 7, 5].into_iter().enumerate() {
            assert!(
                queue
                    .push(Task {
                        priority,
                        id: id as u64
                    })
                    .is_ok()
            );
        }
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let queue = Arc::clone(&queue);
                spawn_named(format!("worker {w}"), move || {
                    work_through(&queue, &mut |_| thread::yield_now())
                })
            })
            .collect();
        queue.close();
        let per_worker: Vec<Vec<Task>> = workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .collect();
        for taken in &per_worker {
            assert!(non_increasing(taken), "{taken:?}");
        }
        assert!(each_once(&per_worker, 5));
    });
}
