//! Model checking with shuttle: the checker explores many thread schedules of the chapter's own
//! code (its `Mutex`, `Condvar` and threads come from shuttle under the `shuttle` feature).
//!
//! It must find no lost or duplicated item and no deadlock at close in the hand-made bounded
//! buffer (1:1 up to N:M, capacity 1), nor in either shutdown; and it must *find* the bug in
//! each broken variant: the `if` that wakes to an empty buffer, the book's consumers that quit
//! before the work arrives, and a poison pill too few.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-20 --test model_check`.
//! `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a failure prints the
//! schedule to replay with `shuttle::replay`.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_20::bounded_buffer::{BoundedBuffer, Shape, Take, run_buffer_pipeline};
use chapter_20::flawed_shutdown::{Unfinished, polling_consumer, producer};
use chapter_20::poison_pill;
use chapter_20::shutdown::{self, Shutdown};
use chapter_20::tasks::{Done, Tally, WORK_QUEUE_NUMBERS, book_tasks};
use common::sync::{model_check, spawn_named};
use common::watchdog::WorkerCtx;

fn pipeline(producers: usize, consumers: usize, capacity: usize, messages: u64, take: Take) {
    let buffer = Arc::new(BoundedBuffer::new(capacity));
    let shape = Shape {
        producers,
        consumers,
    };
    let delivery = run_buffer_pipeline(&buffer, shape, messages, take);
    assert_eq!(
        delivery.woke_to_empty, 0,
        "a consumer woke to an empty buffer that was not closed"
    );
    assert!(
        delivery.exactly_once(messages),
        "lost or duplicated: {delivery:?}"
    );
}

#[test]
fn shuttle_finds_no_loss_in_the_buffer_one_to_one() {
    model_check(|| pipeline(1, 1, 1, 4, Take::While));
}

#[test]
fn shuttle_finds_no_loss_or_deadlock_with_two_producers_two_consumers_capacity_one() {
    model_check(|| pipeline(2, 2, 1, 4, Take::While));
}

#[test]
fn shuttle_finds_no_loss_with_more_producers_than_room() {
    model_check(|| pipeline(3, 2, 2, 6, Take::While));
}

#[test]
#[should_panic(expected = "a consumer woke to an empty buffer that was not closed")]
fn shuttle_finds_the_if_that_should_be_a_while() {
    model_check(|| pipeline(1, 2, 1, 3, Take::If));
}

#[test]
#[should_panic(expected = "tasks stranded")]
fn shuttle_finds_the_books_consumers_quitting_before_the_work() {
    model_check(|| {
        let tasks = book_tasks(1)[..3].to_vec();
        let queue = Arc::new(BoundedBuffer::new(tasks.len()));
        let unfinished = Arc::new(Unfinished::new());
        let consumers: Vec<_> = (0..2)
            .map(|me| {
                let (queue, unfinished) = (Arc::clone(&queue), Arc::clone(&unfinished));
                spawn_named(format!("consumer {me}"), move || {
                    polling_consumer(&queue, &unfinished, me, &WorkerCtx::detached())
                })
            })
            .collect();
        let put = producer(&queue, &unfinished, &tasks, &|_| (), &WorkerCtx::detached());
        let done: Vec<Done> = consumers
            .into_iter()
            .flat_map(|c| c.join().expect("no panic"))
            .collect();
        assert_eq!(
            put,
            done.len(),
            "tasks stranded: {put} put, {} done",
            done.len()
        );
    });
}

/// Producer plus `consumers` consumers over a buffer of 2, the given shutdown; every task done
/// exactly once and every thread ends (a thread left waiting is shuttle's "deadlock").
fn shut_down(how: Shutdown, consumers: usize) {
    let tasks = book_tasks(1)[..4].to_vec();
    let queue = Arc::new(BoundedBuffer::new(2));
    let handles: Vec<_> = (0..consumers)
        .map(|me| {
            let queue = Arc::clone(&queue);
            spawn_named(format!("consumer {me}"), move || {
                shutdown::consume(&queue, me, &WorkerCtx::detached())
            })
        })
        .collect();
    let put = shutdown::produce(&queue, &tasks, consumers, how, &WorkerCtx::detached());
    assert_eq!(put, tasks.len());
    let done: Vec<Done> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("no panic"))
        .collect();
    let tally = Tally::of(&tasks, &done);
    assert!(tally.exactly_once(), "{tally:?}");
}

#[test]
fn shuttle_finds_poison_pills_end_every_consumer_exactly_once() {
    model_check(|| shut_down(Shutdown::PoisonPill, 2));
}

#[test]
fn shuttle_finds_closing_ends_every_consumer_exactly_once() {
    model_check(|| shut_down(Shutdown::Close, 3));
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn shuttle_finds_a_consumer_waiting_forever_for_a_missing_pill() {
    model_check(|| {
        let queue = Arc::new(BoundedBuffer::<Option<u64>>::new(2));
        let handles: Vec<_> = (0..2)
            .map(|me| {
                let queue = Arc::clone(&queue);
                spawn_named(format!("consumer {me}"), move || {
                    poison_pill::consume(&queue, |_| {})
                })
            })
            .collect();
        // One pill for two consumers: one of them waits for a pill that never comes.
        poison_pill::produce(&queue, 0..3, 1);
        for h in handles {
            h.join().expect("no panic");
        }
    });
}

#[test]
fn shuttle_finds_the_prefilled_work_queue_drained_exactly_once() {
    model_check(|| {
        let queue = Arc::new(BoundedBuffer::new(WORK_QUEUE_NUMBERS.len()));
        for n in WORK_QUEUE_NUMBERS {
            queue.put(n).expect("open");
        }
        let handles: Vec<_> = (0..3)
            .map(|w| {
                let queue = Arc::clone(&queue);
                spawn_named(format!("worker {w}"), move || {
                    shutdown::drain(&queue, &WorkerCtx::detached())
                })
            })
            .collect();
        let mut taken: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("no panic"))
            .map(|(n, _)| n)
            .collect();
        taken.sort_unstable();
        assert_eq!(taken, [1, 3, 4, 10]);
    });
}
