//! Grading suite of exercise 1.1 (split the prime check across N scoped threads), run by
//! `cargo xtask exercise check 1.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_split.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a hang or a panic
//! fails fast with a clear message), and, with `--cfg shuttle`, the model checker across
//! many schedules (threads finishing in any order must not change the answer).
//!
//! A wrong answer is diagnosed, not just shown: primes missing (numbers never tested), primes
//! twice (numbers tested twice), or the right primes in the wrong order.

/// The tests, against the split module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::primes_split;
        use chapter_1::primes::primes_sequential;
        use common::watchdog::panic_message;

        /// Checks `primes_split` against the sequential check for `numbers` and `threads`, and
        /// says what is wrong with a wrong answer.
        fn check(numbers: &[u64], threads: usize) {
            let case = format!("primes_split({} numbers, {threads} threads)", numbers.len());
            let got = std::panic::catch_unwind(|| primes_split(numbers, threads))
                .unwrap_or_else(|payload| panic!("{case} panicked: {}", panic_message(&*payload)));
            let want = primes_sequential(numbers);
            if got == want {
                return;
            }
            let missing: Vec<u64> = want.iter().filter(|p| !got.contains(p)).copied().collect();
            assert!(
                missing.is_empty(),
                "{case} missed the primes {missing:?}: some numbers were never tested — do the \
                 chunks cover every number, the remainder too when the thread count does not \
                 divide the length?"
            );
            let wrong: Vec<u64> = got.iter().filter(|p| !want.contains(p)).copied().collect();
            assert!(wrong.is_empty(), "{case} returned numbers that are not primes: {wrong:?}");
            assert_eq!(
                got.len(),
                want.len(),
                "{case} gave some primes more than once ({got:?}): every number belongs to \
                 exactly one chunk"
            );
            panic!(
                "{case} gave the right primes in the wrong order: {got:?} instead of {want:?} — \
                 they must come back in input order, whichever thread finishes first (contiguous \
                 chunks, combined in chunk order)"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use chapter_1::primes::{BOOK_START, numbers};
            use common::testing::{self, watched};
            use std::time::Duration;

            /// Runs `body` on a watched thread: a hang or a panic fails with a clear message.
            fn graded(name: &str, body: impl FnOnce() + Send + 'static) {
                watched(name, Duration::from_secs(30), body);
            }

            #[test]
            fn every_thread_count_gives_the_sequential_answer() {
                graded("split checker", || {
                    let small: Vec<u64> = (0..100).collect();
                    for threads in 1..=9 {
                        check(&small, threads);
                    }
                });
            }

            #[test]
            fn a_remainder_and_more_threads_than_numbers() {
                graded("edge cases", || {
                    check(&(0..10).collect::<Vec<u64>>(), 3); // 10 = 4 + 4 + 2
                    check(&(0..12).collect::<Vec<u64>>(), 5); // 11 is in the remainder
                    check(&(0..14).collect::<Vec<u64>>(), 4); // and 13
                    check(&[2, 3, 4], 8);
                    check(&[], 3);
                });
            }

            #[test]
            fn the_books_numbers() {
                graded("book numbers", || check(&numbers(BOOK_START, 60), 3));
            }

            /// Split work leaves the calling thread waiting while the others test: it spends
            /// a small share of the CPU time the check costs (a quarter at most, if it tests a
            /// chunk itself), where a loop on the caller spends all of it; and the threads are
            /// alive together, where threads spawned and joined one by one never are.
            #[test]
            fn the_chunks_are_tested_on_threads_not_on_the_caller() {
                graded("split across threads", || {
                    let split = testing::split_of_enough_work(
                        200,
                        |count| numbers(BOOK_START, count as u64),
                        |numbers| {
                            primes_split(numbers, 4);
                        },
                    );
                    testing::assert_split_across_threads(split, "test the chunks", "threads");
                });
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            /// 14 numbers on 3 threads: chunks of 5, 5 and 4, each holding primes, so any
            /// schedule in which the threads finish out of order shows in a finishing-order
            /// answer; and a chunk length rounded down leaves 13 untested.
            #[test]
            fn no_schedule_changes_the_answer() {
                model_check(|| check(&(0..14).collect::<Vec<u64>>(), 3));
            }
        }
    };
}

/// The learner's split (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_1::split);
}

#[cfg(mutants)]
mod e1_drops_remainder {
    suite!(chapter_1::mutants::e1_drops_remainder);
}

#[cfg(mutants)]
mod e1_finish_order {
    suite!(chapter_1::mutants::e1_finish_order);
}

#[cfg(mutants)]
mod e1_on_the_caller {
    suite!(chapter_1::mutants::e1_on_the_caller);
}

#[cfg(mutants)]
mod e1_one_thread_at_a_time {
    suite!(chapter_1::mutants::e1_one_thread_at_a_time);
}

#[cfg(mutants)]
mod e1_strided {
    suite!(chapter_1::mutants::e1_strided);
}

#[cfg(mutants)]
mod e1_zero_chunk {
    suite!(chapter_1::mutants::e1_zero_chunk);
}
