//! Grading suite of exercise 15.1 (`allow_threads`), run by `cargo xtask exercise check 15.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_allow_threads.rs`. Two passes: real threads under a watchdog (a
//! thread that keeps the GIL while it waits deadlocks the other, and the test fails fast saying so),
//! and, with `--features shuttle`, the model checker across many schedules.

use std::sync::Arc;
use std::time::Duration;

use chapter_15::allow_threads::allow_threads;
use chapter_15::gil::{Gil, GilThread};
use common::sync::{mpsc, spawn_named};

/// A waiter blocks in `allow_threads` on a channel; a sender must take the GIL to send. Returns
/// what the waiter received and whether it held the GIL afterwards.
fn wait_for_a_sender_who_needs_the_gil(gil: &Arc<Gil>) -> (u32, bool) {
    let (tx, rx) = mpsc::channel::<u32>();
    let waiter_gil = Arc::clone(gil);
    let waiter = spawn_named("waiter", move || {
        let mut thread = GilThread::attach(&waiter_gil, 0);
        thread.tick();
        let got = allow_threads(&mut thread, || rx.recv().unwrap_or(0));
        let holds = thread.holds();
        thread.tick();
        (got, holds)
    });
    let sender_gil = Arc::clone(gil);
    let sender = spawn_named("sender", move || {
        let mut thread = GilThread::attach(&sender_gil, 1);
        thread.tick();
        let _ = tx.send(42);
    });
    sender
        .join()
        .unwrap_or_else(|_| panic!("the sender panicked"));
    waiter
        .join()
        .unwrap_or_else(|_| panic!("the waiter panicked (is allow_threads written?)"))
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::watchdog::Watchdog;

    #[test]
    fn the_result_comes_back_and_the_gil_is_held_again() {
        let outcome = Watchdog::new(Duration::from_secs(5)).run_one("caller", || {
            let gil = Gil::cpython();
            let mut thread = GilThread::attach(&gil, 0);
            let value = allow_threads(&mut thread, || "done");
            (value, thread.holds(), gil.stats().takes)
        });
        assert_eq!(outcome, Ok(("done", true, 2)), "release, then take again");
    }

    #[test]
    fn a_thread_waiting_in_allow_threads_lets_the_sender_run() {
        for _ in 0..20 {
            let outcome = Watchdog::new(Duration::from_secs(10))
                .stall_after(Duration::from_secs(5))
                .grace(Duration::from_millis(100))
                .run_one("waiter and sender", || {
                    let gil = Gil::cpython();
                    let result = wait_for_a_sender_who_needs_the_gil(&gil);
                    (result, gil.stats().overlaps)
                });
            match outcome {
                Ok((result, overlaps)) => {
                    assert_eq!(result, (42, true));
                    assert_eq!(overlaps, 0, "two threads held the GIL at once");
                }
                Err(why) => panic!(
                    "the waiter kept the GIL while it waited, so the sender could never send:\n{why}"
                ),
            }
        }
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_deadlocks_or_overlaps() {
        model_check(|| {
            let gil = Gil::new(Duration::ZERO);
            assert_eq!(wait_for_a_sender_who_needs_the_gil(&gil), (42, true));
            assert_eq!(gil.stats().overlaps, 0);
        });
    }
}
