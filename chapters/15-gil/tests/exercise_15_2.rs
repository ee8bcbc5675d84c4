//! Grading suite of exercise 15.2 (`SharedCount`), run by `cargo xtask exercise check 15.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_refcount.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads hammer one count, and, with
//! `--cfg shuttle`, the model checker explores schedules of two threads, where a lost update
//! or a double free is found for certain rather than by luck.
//!
//! What is checked, as the task states it: the count after many retain/release pairs is exactly
//! what was left; `release` says true for exactly the call that took the count to zero, also
//! when the last two references are dropped by two threads at once; nothing is freed early.

/// The tests, against the `SharedCount` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::SharedCount;
        use common::sync::spawn_named;

        /// The message of a panic payload (an overflow of `usize`, an assertion).
        fn payload(p: &(dyn std::any::Any + Send)) -> String {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        }

        /// `threads` threads each retain and release `pairs` times; returns how many releases
        /// said "last" (the owner still holds a reference, so it must be none).
        fn traffic(count: &Arc<SharedCount>, threads: usize, pairs: u64) -> usize {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let count = Arc::clone(count);
                    spawn_named(format!("thread {i}"), move || {
                        (0..pairs)
                            .filter(|_| {
                                count.retain();
                                count.release()
                            })
                            .count()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|p| {
                        panic!(
                            "a thread panicked in retain or release ({}): is SharedCount \
                             written? A count that went below zero means an update was lost",
                            payload(&*p)
                        )
                    })
                })
                .sum()
        }

        /// Checks what `traffic` left: no early free, the owner's one reference, and the
        /// owner's release the last.
        fn check_after_traffic(count: &SharedCount, early: usize) {
            assert_eq!(
                early, 0,
                "a live object was freed: release said true {early} times while the owner still \
                 held a reference (an update was lost, or the wrong call said it was the last)"
            );
            let left = count.get();
            assert_eq!(
                left, 1,
                "an update was lost: after every thread's retain/release pairs the count is \
                 {left}, not the owner's 1 (two threads read the same value and both wrote \
                 theirs)"
            );
            assert!(
                count.release(),
                "release returned false for the call that took the count to zero (the owner's \
                 last reference)"
            );
        }

        /// Two threads drop the last two references at once: exactly one of them frees.
        fn last_two_released_at_once() {
            let count = Arc::new(SharedCount::new());
            count.retain();
            let threads: Vec<_> = (0..2)
                .map(|i| {
                    let count = Arc::clone(&count);
                    spawn_named(format!("owner {i}"), move || count.release())
                })
                .collect();
            let frees = threads
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|p| panic!("a releaser panicked: {}", payload(&*p))))
                .filter(|&freed| freed)
                .count();
            assert!(
                frees != 2,
                "freed twice: two threads dropped the last two references at once and both \
                 releases returned true (each must learn from its own update whether it was \
                 the last)"
            );
            assert_eq!(
                frees, 1,
                "two threads dropped the last two references and no release returned true: \
                 the object leaks"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::watchdog::Watchdog;
            use std::time::Duration;

            #[test]
            fn one_thread_counts_and_frees_once() {
                let outcome = Watchdog::new(Duration::from_secs(5)).run_one("owner", || {
                    let count = SharedCount::new();
                    count.retain();
                    count.retain();
                    let counted = count.get();
                    let frees = [count.release(), count.release(), count.release()];
                    (counted, frees, count.get())
                });
                let (counted, frees, left) = outcome.unwrap_or_else(|why| panic!("{why}"));
                assert_eq!(counted, 3, "new() is 1, and two retains make 3");
                assert!(
                    frees[2],
                    "release returned false for the call that took the count to zero (from 1 \
                     to 0): releases from 3 said {frees:?}"
                );
                assert_eq!(frees, [false, false, true], "only the last release frees");
                assert_eq!(left, 0, "three releases from 3 leave 0");
            }

            #[test]
            fn four_threads_lose_no_update_and_free_nothing_early() {
                for _ in 0..5 {
                    let outcome = Watchdog::new(Duration::from_secs(30))
                        .stall_after(Duration::from_secs(20))
                        .run_one("four threads", || {
                            let count = Arc::new(SharedCount::new());
                            let early = traffic(&count, 4, 200_000);
                            check_after_traffic(&count, early);
                        });
                    outcome.unwrap_or_else(|why| panic!("{why}"));
                }
            }

            #[test]
            fn the_last_two_references_dropped_at_once_free_once() {
                for _ in 0..200 {
                    last_two_released_at_once();
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_loses_an_update() {
                model_check(|| {
                    let count = Arc::new(SharedCount::new());
                    let early = traffic(&count, 2, 2);
                    check_after_traffic(&count, early);
                });
            }

            #[test]
            fn no_schedule_frees_twice() {
                model_check(last_two_released_at_once);
            }
        }
    };
}

/// The learner's `SharedCount` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_15::refcount_exercise);
}

#[cfg(mutants)]
mod e2_compares_the_new_value {
    suite!(chapter_15::mutants::e2_compares_the_new_value);
}

#[cfg(mutants)]
mod e2_load_then_store {
    suite!(chapter_15::mutants::e2_load_then_store);
}

#[cfg(mutants)]
mod e2_one_compare_exchange {
    suite!(chapter_15::mutants::e2_one_compare_exchange);
}

#[cfg(mutants)]
mod e2_subtract_then_load {
    suite!(chapter_15::mutants::e2_subtract_then_load);
}
