//! Grading suite of exercise 17.2 (`SpinLock`), run by `cargo xtask exercise check 17.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_spin_lock.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Two passes. On real threads under a watchdog: a lock that is never released fails fast with a
//! report instead of hanging the grader, and four threads check that no two are inside at once.
//! Under loom (`RUSTFLAGS="--cfg loom"`, release), every interleaving of two threads and every
//! value a load may legally return: x86 publishes a holder's writes even through `Relaxed`
//! orderings, loom does not, so only this pass catches a lock that excludes but does not publish.

/// The tests, against the spin-lock module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::SpinLock;

        #[cfg(not(loom))]
        mod on_real_threads {
            use super::*;
            use std::sync::Arc;
            use std::sync::atomic::{AtomicU64, Ordering};
            use std::time::Duration;

            use common::testing::watched_with_hint;
            use common::watchdog::panic_message;

            #[test]
            fn a_dropped_guard_frees_the_lock() {
                let hint = "the second lock() never returned: dropping a guard must free the lock";
                watched_with_hint("one thread", Duration::from_secs(5), hint, || {
                    let lock = SpinLock::new(vec![1]);
                    lock.lock().push(2);
                    lock.lock().push(3);
                    assert_eq!(*lock.lock(), vec![1, 2, 3]);
                    assert_eq!(lock.into_inner(), vec![1, 2, 3]);
                });
            }

            #[test]
            fn four_threads_keep_every_increment() {
                const THREADS: u64 = 4;
                const EACH: u64 = 20_000;
                let hint = "a thread never got the lock: does dropping a guard free the lock?";
                watched_with_hint("four threads", Duration::from_secs(10), hint, || {
                    let lock = Arc::new(SpinLock::new(0u64));
                    let inside = Arc::new(AtomicU64::new(0));
                    let handles: Vec<_> = (0..THREADS)
                        .map(|_| {
                            let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                            std::thread::spawn(move || {
                                for _ in 0..EACH {
                                    // A read and a write under one guard: only mutual
                                    // exclusion keeps it.
                                    let mut guard = lock.lock();
                                    let others = inside.fetch_add(1, Ordering::SeqCst);
                                    assert_eq!(others, 0, "two threads held the lock at once");
                                    let seen = *guard;
                                    *guard = seen + 1;
                                    inside.fetch_sub(1, Ordering::SeqCst);
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.join().unwrap_or_else(|e| panic!("{}", panic_message(&*e)));
                    }
                    assert_eq!(*lock.lock(), THREADS * EACH, "increments were lost");
                });
            }
        }

        #[cfg(loom)]
        mod under_loom {
            use super::*;
            use chapter_17::sync::{Arc, AtomicU64, Ordering, thread};

            /// Two threads each take the lock once and bump a counter with a split `Relaxed`
            /// load and store: only the lock's own orderings can make the second holder see the
            /// first one's store. (The lock's `UnsafeCell` is std's, which loom does not track,
            /// hence the atomic counter.)
            #[test]
            fn every_holder_sees_the_previous_holders_write() {
                let endless = "a thread waits for a lock that is never free again: dropping a \
                               guard must free the lock";
                chapter_17::sync::model(endless, || {
                    let lock = Arc::new(SpinLock::new(()));
                    let counter = Arc::new(AtomicU64::new(0));
                    let inside = Arc::new(AtomicU64::new(0));
                    let bump = |lock: &SpinLock<()>, counter: &AtomicU64, inside: &AtomicU64| {
                        let _guard = lock.lock();
                        // Relaxed: a stronger ordering here would publish the counter itself
                        // and hide a lock that does not.
                        let others = inside.fetch_add(1, Ordering::Relaxed);
                        assert_eq!(others, 0, "two threads held the lock at once");
                        let seen = counter.load(Ordering::Relaxed);
                        counter.store(seen + 1, Ordering::Relaxed);
                        inside.fetch_sub(1, Ordering::Relaxed);
                    };
                    let (l2, c2, i2) = (Arc::clone(&lock), Arc::clone(&counter), Arc::clone(&inside));
                    let t = thread::spawn(move || bump(&l2, &c2, &i2));
                    bump(&lock, &counter, &inside);
                    t.join().expect("the other thread finished");
                    let total = counter.load(Ordering::Relaxed);
                    assert_eq!(
                        total, 2,
                        "a holder did not see the previous holder's write (the counter ends at \
                         {total}, not 2): either two threads held the lock at once, or taking \
                         it does not make the last holder's writes visible (releasing it must \
                         publish them, taking it must see them)"
                    );
                });
            }
        }
    };
}

/// The learner's lock (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_17::spin);
}

#[cfg(mutants)]
mod e2_all_relaxed {
    suite!(chapter_17::mutants::e2_all_relaxed);
}

#[cfg(mutants)]
mod e2_load_then_store {
    suite!(chapter_17::mutants::e2_load_then_store);
}

#[cfg(mutants)]
mod e2_never_released {
    suite!(chapter_17::mutants::e2_never_released);
}

#[cfg(mutants)]
mod e2_relaxed_release {
    suite!(chapter_17::mutants::e2_relaxed_release);
}
