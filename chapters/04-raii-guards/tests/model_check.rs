//! Model checking with shuttle: the checker explores many thread schedules of the chapter's own
//! code (its locks and threads come from shuttle under the `shuttle` feature) and must *find*
//! the hang in every broken variant, and find none in any fix.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-4 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_4::guards::{Release, book_main, missing_file};
use chapter_4::held_too_long::{Scope, work_through};
use chapter_4::permits::Semaphore;
use common::deadlock::LockGraph;
use common::sync::atomic::{AtomicUsize, Ordering};
use common::sync::{Mutex, model_check, model_check_bounded, spawn_named, thread};
use common::watchdog::WorkerCtx;

/// Two threads each run the book's main program against the same lock: read a missing file
/// under the lock, then acquire the lock once more.
fn book_program(how: Release) {
    let graph = LockGraph::new();
    let data = Arc::new(graph.mutex("my_lock", Vec::new()));
    let threads: Vec<_> = ["main", "second caller"]
        .into_iter()
        .map(|name| {
            let data = Arc::clone(&data);
            spawn_named(name, move || {
                book_main(&data, &missing_file(), how, &WorkerCtx::detached()).is_ok()
            })
        })
        .collect();
    for t in threads {
        assert!(
            t.join().expect("no panic"),
            "the final acquire was abandoned"
        );
    }
}

#[test]
// The thread that skipped its release then asks for the lock it still holds: the wait-for graph
// names it.
#[should_panic(
    expected = "deadlock! wait-for cycle: main waits for my_lock, which it holds already"
)]
fn shuttle_finds_the_lock_an_error_left_locked() {
    model_check(|| book_program(Release::Manual));
}

#[test]
fn shuttle_finds_no_hang_with_a_guard() {
    model_check(|| book_program(Release::Guard));
}

/// Two workers drain two items; each slow call waits until both workers have entered one.
fn two_workers_meet_in_the_slow_work(scope: Scope) {
    let queue = Arc::new(Mutex::new(vec![1, 2]));
    let results = Arc::new(Mutex::new(Vec::new()));
    let entered = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let (queue, results, entered) = (
                Arc::clone(&queue),
                Arc::clone(&results),
                Arc::clone(&entered),
            );
            spawn_named(format!("worker {i}"), move || {
                let meet = |item: u64| {
                    entered.fetch_add(1, Ordering::SeqCst);
                    while entered.load(Ordering::SeqCst) < 2 {
                        thread::yield_now();
                    }
                    item
                };
                work_through(scope, &queue, &results, &meet);
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no worker panicked");
    }
    let mut done = common::sync::lock(&results).clone();
    done.sort_unstable();
    assert_eq!(done, [1, 2]);
}

#[test]
#[should_panic(expected = "exceeded max_steps bound")]
fn shuttle_finds_the_guard_held_across_the_work() {
    model_check_bounded(|| two_workers_meet_in_the_slow_work(Scope::Held), 2_000);
}

#[test]
#[should_panic(expected = "exceeded max_steps bound")]
fn shuttle_finds_the_match_temporary_held_across_the_work() {
    model_check_bounded(
        || two_workers_meet_in_the_slow_work(Scope::MatchTemporary),
        2_000,
    );
}

#[test]
fn shuttle_finds_the_narrowed_workers_always_meet() {
    model_check_bounded(|| two_workers_meet_in_the_slow_work(Scope::Narrowed), 2_000);
}

/// Three workers share one permit; `forget` says whether a worker leaks its permit.
fn share_one_permit(forget: bool) {
    let semaphore = Arc::new(Semaphore::new(1));
    let threads: Vec<_> = (0..3)
        .map(|i| {
            let semaphore = Arc::clone(&semaphore);
            spawn_named(format!("worker {i}"), move || {
                let permit = semaphore.acquire();
                if forget {
                    std::mem::forget(permit); // leaked: its Drop, the only way back, never runs
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no worker panicked");
    }
    assert_eq!(semaphore.available(), 1);
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn shuttle_finds_the_forgotten_permit() {
    model_check(|| share_one_permit(true));
}

#[test]
fn shuttle_finds_every_permit_returned() {
    model_check(|| share_one_permit(false));
}
