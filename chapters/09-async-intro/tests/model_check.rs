//! Model checking with shuttle: the executor's run queue and task wakers ([`RunQueue`],
//! [`TaskWaker`], built on `common::sync`, so shuttle's primitives under the `shuttle` feature)
//! across many schedules of a wake arriving from another thread.
//!
//! The protocol under test is the executor's: pop a task, clear its `queued` flag, poll it; the
//! poll either finds its result or leaves the waker where the job thread will find it. Shuttle
//! must find no schedule that loses the wake-up when the flag is cleared *before* the poll (what
//! `Executor` does), and must find the lost wake-up — the executor asleep forever, a deadlock —
//! when it is cleared *after* the poll.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-9 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use std::sync::Arc;
use std::task::Waker;

use chapter_9::executor::{RunQueue, TaskWaker};
use common::sync::{Mutex, lock, model_check, spawn_named};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClearFlag {
    BeforePoll,
    AfterPoll,
}

/// What the task waits for: the job's result, and the waker to call once it is there.
#[derive(Default)]
struct Slot {
    result: Option<u32>,
    waker: Option<Waker>,
}

/// One task awaiting one job on another thread, executor loop and all.
fn task_awaits_a_job(clear: ClearFlag) {
    let queue = Arc::new(RunQueue::new());
    let task = TaskWaker::new(0, Arc::clone(&queue));
    let slot = Arc::new(Mutex::new(Slot::default()));
    // Spawning a task queues it.
    Waker::from(Arc::clone(&task)).wake_by_ref();

    let job_slot = Arc::clone(&slot);
    let job = spawn_named("job", move || {
        let waker = {
            let mut slot = lock(&job_slot);
            slot.result = Some(42);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });

    // The executor: no timeout, so a lost wake-up blocks it for good and shuttle reports it.
    let mut polls = 0;
    let result = loop {
        assert_eq!(queue.pop(None), Some(0));
        if clear == ClearFlag::BeforePoll {
            task.begin_poll();
        }
        polls += 1;
        let ready = {
            let mut slot = lock(&slot);
            match slot.result {
                Some(result) => Some(result),
                None => {
                    slot.waker = Some(Waker::from(Arc::clone(&task)));
                    None
                }
            }
        };
        if clear == ClearFlag::AfterPoll {
            task.begin_poll();
        }
        if let Some(result) = ready {
            break result;
        }
    };
    assert_eq!(result, 42);
    assert!(polls <= 2, "one Pending, then Ready: {polls} polls");
    job.join().expect("the job did not panic");
}

#[test]
fn no_schedule_loses_the_wake_up_when_the_flag_is_cleared_before_the_poll() {
    model_check(|| task_awaits_a_job(ClearFlag::BeforePoll));
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn shuttle_finds_the_lost_wake_up_when_the_flag_is_cleared_after_the_poll() {
    model_check(|| task_awaits_a_job(ClearFlag::AfterPoll));
}

#[test]
fn a_burst_of_wakes_queues_the_task_once() {
    model_check(|| {
        let queue = Arc::new(RunQueue::new());
        let task = TaskWaker::new(7, Arc::clone(&queue));
        let wakers: Vec<_> = (0..2)
            .map(|i| {
                let waker = Waker::from(Arc::clone(&task));
                spawn_named(format!("waker {i}"), move || waker.wake())
            })
            .collect();
        for w in wakers {
            w.join().expect("no panic");
        }
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.pop(Some(std::time::Duration::ZERO)), Some(7));
    });
}
