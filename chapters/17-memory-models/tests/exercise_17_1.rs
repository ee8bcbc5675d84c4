//! Grading suite of exercise 17.1 (`atomic_max`), run by `cargo xtask exercise check 17.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_atomic_max.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Two passes. On real threads under a watchdog: a loop that never ends fails in seconds, naming
//! what to look at, instead of hanging the grader. Under loom (`RUSTFLAGS="--cfg loom"`), every
//! interleaving of two threads offering values at once: a read-then-write that usually works on
//! real threads loses the larger offer in one of them, every time.

/// The tests, against the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::atomic_max;

        #[cfg(not(loom))]
        mod on_real_threads {
            use super::*;
            use std::sync::Arc;
            use std::sync::atomic::{AtomicU64, Ordering};
            use std::time::Duration;

            use common::testing::watched_with_hint;
            use common::watchdog::panic_message;

            /// What a call that never returns most likely does.
            const ENDLESS: &str = "atomic_max never returned: when a compare-and-swap fails, \
                                   retry from the value the failed compare-and-swap saw";

            #[test]
            fn returns_the_previous_value_and_only_grows() {
                watched_with_hint("one thread", Duration::from_secs(5), ENDLESS, || {
                    let cell = AtomicU64::new(5);
                    assert_eq!(atomic_max(&cell, 3), 5, "a smaller value leaves it as it was");
                    assert_eq!(cell.load(Ordering::Relaxed), 5);
                    assert_eq!(
                        atomic_max(&cell, 9),
                        5,
                        "atomic_max returns the value it replaced"
                    );
                    assert_eq!(cell.load(Ordering::Relaxed), 9);
                    assert_eq!(atomic_max(&cell, 9), 9, "an equal value changes nothing");
                    assert_eq!(atomic_max(&cell, u64::MAX), 9);
                    assert_eq!(cell.load(Ordering::Relaxed), u64::MAX);
                });
            }

            #[test]
            fn four_threads_end_at_the_true_maximum() {
                const THREADS: u64 = 4;
                const EACH: u64 = 50_000;
                watched_with_hint("four threads", Duration::from_secs(10), ENDLESS, || {
                    let cell = Arc::new(AtomicU64::new(0));
                    let handles: Vec<_> = (0..THREADS)
                        .map(|t| {
                            let cell = Arc::clone(&cell);
                            std::thread::spawn(move || {
                                // Interleaved rising values: thread t offers t, t + 4, t + 8, ...
                                let mut returned_ok = true;
                                for i in 0..EACH {
                                    let value = i * THREADS + t;
                                    let previous = atomic_max(&cell, value);
                                    // Every value ever stored was offered: below the maximum.
                                    returned_ok &= previous < THREADS * EACH;
                                }
                                returned_ok
                            })
                        })
                        .collect();
                    for h in handles {
                        let returned_ok =
                            h.join().unwrap_or_else(|e| panic!("{}", panic_message(&*e)));
                        assert!(returned_ok, "a return value was never offered");
                    }
                    let end = cell.load(Ordering::Relaxed);
                    assert_eq!(
                        end,
                        THREADS * EACH - 1,
                        "the larger offer was lost: the cell ends at {end}"
                    );
                });
            }
        }

        #[cfg(loom)]
        mod under_loom {
            use super::*;
            use chapter_17::sync::{Arc, AtomicU64, Ordering, thread};

            /// Two threads offer 5 and 6 over an initial 4, in every interleaving: the cell
            /// ends at 6, the first caller to change it got 4 back, and no call returns a
            /// value the cell never held.
            #[test]
            fn no_interleaving_loses_the_larger_offer() {
                let endless = "when a compare-and-swap fails, retry from the value the failed \
                               compare-and-swap saw";
                chapter_17::sync::model(endless, || {
                    let cell = Arc::new(AtomicU64::new(4));
                    let other = Arc::clone(&cell);
                    let t = thread::spawn(move || atomic_max(&other, 5));
                    let mine = atomic_max(&cell, 6);
                    let theirs = t.join().expect("the other thread finished");
                    let end = cell.load(Ordering::Relaxed);
                    assert_eq!(end, 6, "the larger offer was lost: the cell ends at {end}");
                    assert!(
                        (mine == 4 || mine == 5) && (theirs == 4 || theirs == 6),
                        "atomic_max returns the value it replaced: 6 got {mine}, 5 got {theirs}"
                    );
                });
            }
        }
    };
}

/// The learner's `atomic_max` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_17::max);
}

#[cfg(mutants)]
mod e1_load_then_store {
    suite!(chapter_17::mutants::e1_load_then_store);
}

#[cfg(mutants)]
mod e1_returns_the_new_value {
    suite!(chapter_17::mutants::e1_returns_the_new_value);
}

#[cfg(mutants)]
mod e1_stale_retry {
    suite!(chapter_17::mutants::e1_stale_retry);
}
