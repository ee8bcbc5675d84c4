//! Grading suite of exercise 4.1 (the permit guard), run by `cargo xtask exercise check 4.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_permits.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, and, with
//! `--cfg shuttle`, the model checker across many schedules.
//!
//! A thread waiting for a permit is *observed* asleep before the permit comes back: the test
//! reads the waiter's scheduler state and CPU time from `/proc/self/task/<tid>/stat` until it is
//! asleep in the kernel with its CPU time standing still. That tells a waiter that blocks from
//! one that spins, and makes a drop that forgets to wake it fail on every run, not only when a
//! pause happened to be long enough. A panic in `acquire` (a count gone below zero) is explained
//! as the fault it is.

/// The tests, against the permits module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::Semaphore;
        use common::sync::atomic::{AtomicUsize, Ordering};
        use common::watchdog::panic_message;

        /// Runs `body`; if it panics, panics again with the message explained: a subtraction
        /// that overflowed in `acquire` means the count went below zero.
        fn explained<R>(body: impl FnOnce() -> R) -> R {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|payload| {
                let message = panic_message(&*payload);
                if message.contains("subtract with overflow") {
                    panic!(
                        "the free count went below zero in acquire ({message}): a thread took a \
                         permit that was no longer free — a woken thread must look at the count \
                         again before it takes one, since another thread may have taken the \
                         permit first"
                    );
                }
                panic!("{message}");
            })
        }

        /// Takes a permit, counts the holders at once, records the most ever seen, and leaves.
        fn hold_and_count(semaphore: &Semaphore, inside: &AtomicUsize, most: &AtomicUsize) {
            let _permit = explained(|| semaphore.acquire());
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            common::sync::thread::yield_now();
            inside.fetch_sub(1, Ordering::SeqCst);
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{assert_finished, kernel_thread_id, thread_state, watched_with_hint};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::sync::atomic::AtomicBool;
            use std::time::Duration;

            #[test]
            fn permits_are_counted_and_given_back() {
                watched_with_hint("the test",
                    Duration::from_secs(5),
                    "taking 2 of 2 free permits blocked (or counting them did): acquire waits \
                     only while no permit is free, and no lock stays held once it returns",
                    || {
                        let semaphore = Semaphore::new(2);
                        assert_eq!(semaphore.available(), 2);
                        let first = semaphore.acquire();
                        let second = semaphore.acquire();
                        assert_eq!(semaphore.available(), 0, "two permits taken");
                        drop(first);
                        assert_eq!(semaphore.available(), 1, "dropping a Permit gives it back");
                        drop(second);
                        assert_eq!(semaphore.available(), 2);
                    },
                );
            }

            #[test]
            fn a_permit_comes_back_even_on_panic() {
                watched_with_hint("the test", Duration::from_secs(5), "", || {
                    let semaphore = Semaphore::new(1);
                    let mut taken = false;
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let _permit = semaphore.acquire();
                        taken = semaphore.available() == 0;
                        std::panic::resume_unwind(Box::new("deliberate"));
                    }));
                    assert!(result.is_err());
                    assert!(taken, "acquire took the permit");
                    assert_eq!(
                        semaphore.available(),
                        1,
                        "the unwinding drop returned the permit"
                    );
                });
            }

            fn run_workers(permits: usize, workers: usize, rounds: usize) {
                let semaphore = Arc::new(Semaphore::new(permits));
                let inside = Arc::new(AtomicUsize::new(0));
                let most = Arc::new(AtomicUsize::new(0));
                let group = (0..workers)
                    .map(|i| {
                        let (semaphore, inside, most) = (
                            Arc::clone(&semaphore),
                            Arc::clone(&inside),
                            Arc::clone(&most),
                        );
                        worker(format!("worker {i}"), move |ctx: &WorkerCtx| {
                            for _ in 0..rounds {
                                hold_and_count(&semaphore, &inside, &most);
                                ctx.progress();
                            }
                        })
                    })
                    .collect();
                let report = Watchdog::new(Duration::from_secs(20))
                    .stall_after(Duration::from_secs(3))
                    .run(group);
                assert_finished(
                    &report,
                    "a thread waiting for a permit was never woken: when a permit comes back, \
                     wake a waiter",
                );
                let most = most.load(Ordering::SeqCst);
                assert!(
                    most <= permits,
                    "{most} holders at once with {permits} permits"
                );
                assert_eq!(semaphore.available(), permits, "every permit given back");
            }

            #[test]
            fn never_more_holders_than_permits() {
                run_workers(3, 8, 500);
            }

            #[test]
            fn a_waiter_is_woken_when_the_one_permit_returns() {
                run_workers(1, 2, 2_000);
            }

            /// Samples 10 ms apart before a thread counts as asleep, and at most before giving up.
            const STILL_FOR: u32 = 5;
            const SAMPLES: u32 = 300;

            /// The only permit held by the test; a waiter in `acquire`, observed asleep (not
            /// assumed so after a pause); then the permit dropped: the waiter must wake and get it.
            #[test]
            fn a_waiter_sleeps_until_the_permit_returns_and_then_gets_it() {
                watched_with_hint("the test", Duration::from_secs(10), "", || {
                    let semaphore = Arc::new(Semaphore::new(1));
                    let permit = semaphore.acquire();
                    let got_it = Arc::new(AtomicBool::new(false));
                    let (tx, rx) = std::sync::mpsc::channel();
                    let waiter = {
                        let (semaphore, got_it) = (Arc::clone(&semaphore), Arc::clone(&got_it));
                        std::thread::Builder::new()
                            .name("waiter".into())
                            .spawn(move || {
                                tx.send(kernel_thread_id().expect("Linux has /proc/thread-self")).expect("the test listens");
                                let permit = explained(|| semaphore.acquire());
                                got_it.store(true, Ordering::SeqCst);
                                drop(permit);
                            })
                            .expect("spawn the waiter")
                    };
                    let tid = rx.recv().expect("the waiter reports its id");
                    let (mut still, mut last) = (0, None);
                    for _ in 0..SAMPLES {
                        assert!(
                            !got_it.load(Ordering::SeqCst),
                            "acquire returned a permit while the only one was taken"
                        );
                        let now = thread_state(tid);
                        let cpu = now.map(|(_, cpu)| cpu);
                        still = if matches!(now, Some(('S', _))) && cpu == last { still + 1 } else { 0 };
                        last = cpu;
                        if still >= STILL_FOR || waiter.is_finished() {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    if waiter.is_finished() {
                        let outcome = waiter.join();
                        if let Err(payload) = outcome {
                            panic!("the waiter panicked: {}", panic_message(&*payload));
                        }
                        panic!("acquire returned a permit while the only one was taken");
                    }
                    let (state, cpu) = thread_state(tid).unwrap_or(('?', Duration::ZERO));
                    assert!(
                        still >= STILL_FOR,
                        "spins instead of blocking: the thread in acquire never fell asleep while \
                         no permit was free (state {state}, {} ms of CPU used and growing) — \
                         wait on the condition variable while the count is zero",
                        cpu.as_millis()
                    );
                    drop(permit);
                    for _ in 0..SAMPLES {
                        if waiter.is_finished() {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    assert!(
                        waiter.is_finished(),
                        "a thread waiting in acquire was never woken when the permit was dropped: \
                         giving a permit back must wake a waiter"
                    );
                    if let Err(payload) = waiter.join() {
                        panic!("the waiter panicked: {}", panic_message(&*payload));
                    }
                    assert!(got_it.load(Ordering::SeqCst), "the waiter got the permit");
                    assert_eq!(semaphore.available(), 1, "the permit came back");
                });
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            #[test]
            fn no_schedule_lets_two_in_with_one_permit() {
                model_check(|| {
                    let semaphore = Arc::new(Semaphore::new(1));
                    let inside = Arc::new(AtomicUsize::new(0));
                    let most = Arc::new(AtomicUsize::new(0));
                    let threads: Vec<_> = (0..3)
                        .map(|i| {
                            let (semaphore, inside, most) = (
                                Arc::clone(&semaphore),
                                Arc::clone(&inside),
                                Arc::clone(&most),
                            );
                            spawn_named(format!("worker {i}"), move || {
                                hold_and_count(&semaphore, &inside, &most)
                            })
                        })
                        .collect();
                    for t in threads {
                        t.join().expect("no worker panicked");
                    }
                    assert_eq!(
                        most.load(Ordering::SeqCst),
                        1,
                        "one permit, one holder at a time"
                    );
                    assert_eq!(semaphore.available(), 1, "the permit came back");
                });
            }

            #[test]
            fn no_schedule_loses_a_permit_with_two() {
                model_check(|| {
                    let semaphore = Arc::new(Semaphore::new(2));
                    let threads: Vec<_> = (0..3)
                        .map(|i| {
                            let semaphore = Arc::clone(&semaphore);
                            spawn_named(format!("worker {i}"), move || {
                                for _ in 0..2 {
                                    let _permit = explained(|| semaphore.acquire());
                                }
                            })
                        })
                        .collect();
                    for t in threads {
                        t.join().expect("no worker panicked");
                    }
                    assert_eq!(semaphore.available(), 2);
                });
            }
        }
    };
}

/// The learner's semaphore (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_4::permits);
}

#[cfg(mutants)]
mod e1_busy_wait {
    suite!(chapter_4::mutants::e1_busy_wait);
}

#[cfg(mutants)]
mod e1_if_not_while {
    suite!(chapter_4::mutants::e1_if_not_while);
}

#[cfg(mutants)]
mod e1_no_notify {
    suite!(chapter_4::mutants::e1_no_notify);
}

#[cfg(mutants)]
mod e1_permit_holds_the_lock {
    suite!(chapter_4::mutants::e1_permit_holds_the_lock);
}
