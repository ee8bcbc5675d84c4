//! Model checking with shuttle: the checker explores many schedules of the chapter's own code (its
//! locks, condition variables, atomics and threads come from shuttle under the `shuttle` feature).
//! It must *find* the lost update in the racy reference count, and find none in the atomic one;
//! and it must find that the modelled GIL never lets two threads hold it, never deadlocks — with
//! forced handoffs (a zero switch interval) and with threads releasing it around a blocking wait.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-15 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use std::sync::Arc;
use std::time::Duration;

use chapter_15::allow_threads::allow_threads;
use chapter_15::gil::{Gil, GilThread};
use chapter_15::refcount::RacyCount;
use chapter_15::refcount_exercise::SharedCount;
use common::sync::{model_check, mpsc, spawn_named};

#[test]
#[should_panic(expected = "a reference-count update was lost")]
fn shuttle_finds_the_lost_update_in_a_racy_count() {
    model_check(|| {
        let count = Arc::new(RacyCount::new());
        let threads: Vec<_> = (0..2)
            .map(|i| {
                let count = Arc::clone(&count);
                spawn_named(format!("thread {i}"), move || {
                    count.retain(|| ());
                    count.release();
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no panic");
        }
        assert_eq!(count.get(), 1, "a reference-count update was lost");
    });
}

#[test]
fn shuttle_finds_no_lost_update_in_the_atomic_count() {
    model_check(|| {
        let count = Arc::new(SharedCount::new());
        let threads: Vec<_> = (0..2)
            .map(|i| {
                let count = Arc::clone(&count);
                spawn_named(format!("thread {i}"), move || {
                    count.retain();
                    count.release()
                })
            })
            .collect();
        // The owner still holds its reference: no thread's release may be the last.
        for t in threads {
            assert!(!t.join().expect("no panic"), "a live object was freed");
        }
        assert_eq!(count.get(), 1);
        assert!(count.release(), "the owner's release is the last");
    });
}

/// Three threads run a few steps each under one GIL; with a zero interval every waiter asks for
/// a drop at once, so the forced handoff path runs in most schedules.
#[test]
fn shuttle_finds_the_gil_exclusive_and_deadlock_free_with_forced_switches() {
    model_check(|| {
        let gil = Gil::new(Duration::ZERO);
        let threads: Vec<_> = (0..3)
            .map(|id| {
                let gil = Arc::clone(&gil);
                spawn_named(format!("interpreter thread {id}"), move || {
                    let mut thread = GilThread::attach(&gil, id);
                    for _ in 0..3 {
                        thread.tick();
                    }
                    thread.steps()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().expect("no panic"), 3);
        }
        assert_eq!(gil.stats().overlaps, 0);
    });
}

/// A thread blocked in "I/O" (a channel receive) with the GIL released; the sender needs the GIL
/// to send. Every schedule must finish.
#[test]
fn shuttle_finds_allow_threads_lets_the_others_run() {
    model_check(|| {
        let gil = Gil::new(Duration::ZERO);
        let (tx, rx) = mpsc::channel::<u32>();
        let waiter_gil = Arc::clone(&gil);
        let waiter = spawn_named("waiter", move || {
            let mut thread = GilThread::attach(&waiter_gil, 0);
            thread.tick();
            let got = allow_threads(&mut thread, || rx.recv().expect("a sender"));
            assert!(thread.holds());
            thread.tick();
            got
        });
        let sender_gil = Arc::clone(&gil);
        let sender = spawn_named("sender", move || {
            let mut thread = GilThread::attach(&sender_gil, 1);
            thread.tick();
            tx.send(42).expect("the waiter listens");
            thread.tick();
        });
        sender.join().expect("no panic");
        assert_eq!(waiter.join().expect("no panic"), 42);
        assert_eq!(gil.stats().overlaps, 0);
    });
}
