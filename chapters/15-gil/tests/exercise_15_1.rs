//! Grading suite of exercise 15.1 (`allow_threads`), run by `cargo xtask exercise check 15.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_allow_threads.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails. Two passes: real threads under a watchdog (a thread
//! that keeps the GIL while it waits deadlocks the other, and the test fails fast saying so),
//! and, with `--cfg shuttle`, the model checker across many schedules.
//!
//! What is checked, as the task states it: while `blocking` runs the GIL is free (the GIL's own
//! count of takes, read from inside `blocking`, has not moved, and a second thread that needs the
//! GIL gets it); the caller holds it again afterwards and gets the result back. (That no two
//! threads hold the GIL at once is the GIL's own job, and its unit tests': nothing written in
//! `allow_threads` can break it, so the suite does not claim to check it.)

/// The tests, against the `allow_threads` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;
        use std::time::Duration;

        use $($module)::+::allow_threads;
        use chapter_15::gil::{Gil, GilThread};
        use common::sync::{mpsc, spawn_named};

        /// A waiter blocks in `allow_threads` on a channel; a sender must take the GIL to send.
        /// Returns what the waiter received and whether it held the GIL afterwards.
        fn wait_for_a_sender_who_needs_the_gil(gil: &Arc<Gil>) -> (u32, bool) {
            let (tx, rx) = mpsc::channel::<u32>();
            let waiter_gil = Arc::clone(gil);
            let waiter = spawn_named("waiter", move || {
                let mut thread = GilThread::attach(&waiter_gil, 0);
                thread.tick();
                let got = allow_threads(&mut thread, || rx.recv().unwrap_or(0));
                let holds = thread.holds();
                if holds {
                    thread.tick();
                }
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

        /// The waiter's outcome, checked: the message arrived and the GIL is held again.
        fn check_the_waiter((got, holds): (u32, bool)) {
            assert_eq!(got, 42, "the waiter did not get the sender's message");
            assert!(
                holds,
                "the caller does not hold the GIL after allow_threads returns: it must take the \
                 GIL back before it returns, so the caller can go on running steps"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::watchdog::Watchdog;

            /// Takes of the GIL counted from inside `blocking` and after the call: one take by
            /// `attach` before, none while `blocking` runs, one more on the way out.
            #[test]
            fn the_gil_is_free_while_blocking_runs_and_held_again_after() {
                let outcome = Watchdog::new(Duration::from_secs(5)).run_one("caller", || {
                    let gil = Gil::cpython();
                    let mut thread = GilThread::attach(&gil, 0);
                    let inside_gil = Arc::clone(&gil);
                    let (value, inside) =
                        allow_threads(&mut thread, move || ("done", inside_gil.stats().takes));
                    (value, inside, thread.holds(), gil.stats().takes)
                });
                let (value, inside, holds, after) =
                    outcome.unwrap_or_else(|why| panic!("allow_threads did not return: {why}"));
                assert_eq!(value, "done", "allow_threads must return what blocking returned");
                assert!(
                    holds,
                    "the caller does not hold the GIL after allow_threads returns: it must take \
                     the GIL back before it returns, so the caller can go on running steps"
                );
                assert!(
                    after > 1,
                    "allow_threads kept the GIL while it waited: the GIL was taken once in all \
                     (by attach), so it was never let go around blocking"
                );
                assert!(
                    inside == 1,
                    "allow_threads took the GIL back before running blocking: the GIL had been \
                     taken {inside} times when blocking ran (once by attach, then again by \
                     allow_threads), so it was held during the wait"
                );
            }

            #[test]
            fn a_thread_waiting_in_allow_threads_lets_the_sender_run() {
                for _ in 0..20 {
                    let outcome = Watchdog::new(Duration::from_secs(10))
                        .stall_after(Duration::from_secs(5))
                        .grace(Duration::from_millis(100))
                        .run_one("waiter and sender", || {
                            wait_for_a_sender_who_needs_the_gil(&Gil::cpython())
                        });
                    match outcome {
                        Ok(result) => check_the_waiter(result),
                        Err(why) => panic!(
                            "the waiter kept the GIL while it waited, so the sender could never \
                             send:\n{why}"
                        ),
                    }
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_deadlocks_or_strands_the_waiter() {
                model_check(|| {
                    check_the_waiter(wait_for_a_sender_who_needs_the_gil(&Gil::new(
                        Duration::ZERO,
                    )));
                });
            }
        }
    };
}

/// The learner's `allow_threads` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_15::allow_threads);
}

#[cfg(mutants)]
mod e1_keeps_the_gil {
    suite!(chapter_15::mutants::e1_keeps_the_gil);
}

#[cfg(mutants)]
mod e1_never_takes_back {
    suite!(chapter_15::mutants::e1_never_takes_back);
}

#[cfg(mutants)]
mod e1_releases_after {
    suite!(chapter_15::mutants::e1_releases_after);
}

#[cfg(mutants)]
mod e1_takes_back_too_soon {
    suite!(chapter_15::mutants::e1_takes_back_too_soon);
}
