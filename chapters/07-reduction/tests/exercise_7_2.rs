//! Grading suite of exercise 7.2 (`count_words`, `merge_into`), run by
//! `cargo xtask exercise check 7.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_word_count.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, and, with
//! `--cfg shuttle`, the model checker across many schedules of small inputs.
//!
//! What is checked, as the task states it: `merge_into` adds the counts of a word both maps
//! hold and keeps the others; the counts equal a sequential count for many sizes (none, and
//! sizes that do not divide evenly) and thread counts (0 counts as 1, more threads than words);
//! and when they do not, the message says whether words were lost or counted twice.

/// The tests, against the word-count module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use chapter_7::map_reduce::count_words_sequential;
        use $($module)::+::count_words;

        /// Compares `count_words(words, threads)` with a sequential count and says what differs.
        fn check_counts(words: &[&str], threads: usize) {
            let expected = count_words_sequential(words);
            let counts = count_words(words, threads);
            let (got, n) = (counts.values().sum::<u64>(), words.len() as u64);
            assert!(
                got >= n,
                "{threads} threads, {n} words: counted {got} of {n} words, some were lost: the \
                 chunks must cover every word (mind the remainder when the words do not divide \
                 evenly among the threads; and does merge_into add the counts?)"
            );
            assert!(
                got <= n,
                "{threads} threads, {n} words: counted {got} words, some counted twice (do the \
                 chunks overlap?)"
            );
            assert!(
                counts == expected,
                "{threads} threads, {n} words: the counts differ from a sequential count"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use chapter_7::map_reduce::generate;
            use $($module)::+::{Counts, merge_into};
            use common::testing;
            use std::collections::HashMap;
            use std::time::Duration;

            fn under_watchdog<R: Send + 'static>(
                name: &str,
                check: impl FnOnce() -> R + Send + 'static,
            ) -> R {
                // No progress is recorded: the 10 s stall period is the limit.
                testing::watched(name, Duration::from_secs(10), check)
            }

            /// Runs `count_words(words, threads)`, and says how it panicked if it did.
            fn panic_of(words: &'static [&'static str], threads: usize) -> Option<String> {
                under_watchdog("count_words", move || {
                    std::panic::catch_unwind(|| count_words(words, threads))
                        .err()
                        .map(|payload| common::watchdog::panic_message(&*payload))
                })
            }

            #[test]
            fn merge_adds_the_counts_of_shared_words() {
                let total = under_watchdog("merge", || {
                    let mut total: Counts = HashMap::from([("a".into(), 2), ("b".into(), 1)]);
                    merge_into(
                        &mut total,
                        HashMap::from([("b".into(), 4), ("c".into(), 5)]),
                    );
                    total
                });
                let count = |word: &str| total.get(word).copied().unwrap_or(0);
                assert_eq!(
                    count("b"),
                    5,
                    "\"b\" is 1 in one map and 4 in the other, but {} after merge_into: add the \
                     counts, do not overwrite",
                    count("b")
                );
                assert_eq!(count("a"), 2, "a word only `total` held must keep its count");
                assert_eq!(count("c"), 5, "a word only `part` held must be added with its count");
                assert_eq!(total.len(), 3, "no other words");
            }

            #[test]
            fn counts_equal_a_sequential_count_for_any_thread_count() {
                under_watchdog("counts", || {
                    for n in [1, 2, 15, 16, 17, 1000, 50_001] {
                        let words = generate(n, 11);
                        for threads in [1, 2, 3, 4, 7, 64] {
                            check_counts(&words, threads);
                        }
                    }
                });
            }

            /// Split work leaves the calling thread waiting while the others count: it spends a
            /// small share of the CPU time the count costs (a quarter at most, if it counts a
            /// chunk itself, plus the merge), where a loop on the caller spends all of it; and the
            /// threads are alive together, where threads joined one by one never are.
            #[test]
            fn the_chunks_are_counted_on_threads_not_on_the_caller() {
                let split = under_watchdog("split across threads", || {
                    testing::split_of_enough_work(
                        10_000,
                        |n| generate(n, 7),
                        |words| {
                            count_words(words, 4);
                        },
                    )
                });
                testing::assert_split_across_threads(split, "count the chunks", "threads");
            }

            #[test]
            fn zero_threads_counts_as_one() {
                const WORDS: &[&str] = &["a", "b", "a"];
                if let Some(message) = panic_of(WORDS, 0) {
                    panic!("panicked with 0 threads ({message}): 0 threads counts as 1");
                }
                under_watchdog("zero threads", || check_counts(WORDS, 0));
            }

            #[test]
            fn no_words_gives_no_counts() {
                for threads in [0, 1, 4] {
                    if let Some(message) = panic_of(&[], threads) {
                        panic!(
                            "panicked with no words and {threads} threads ({message}): no words \
                             gives an empty map"
                        );
                    }
                    let counts = under_watchdog("no words", move || count_words(&[], threads));
                    assert!(counts.is_empty(), "no words gives an empty map");
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_loses_or_doubles_a_word() {
                model_check(|| {
                    check_counts(&["a", "b", "a", "c", "a", "b", "d"], 3);
                });
            }
        }
    };
}

/// The learner's word count (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_7::word_count);
}

#[cfg(mutants)]
mod e2_merge_overwrites {
    suite!(chapter_7::mutants::e2_merge_overwrites);
}

#[cfg(mutants)]
mod e2_drops_remainder {
    suite!(chapter_7::mutants::e2_drops_remainder);
}

#[cfg(mutants)]
mod e2_overlapping_chunks {
    suite!(chapter_7::mutants::e2_overlapping_chunks);
}

#[cfg(mutants)]
mod e2_on_the_caller {
    suite!(chapter_7::mutants::e2_on_the_caller);
}

#[cfg(mutants)]
mod e2_one_thread_at_a_time {
    suite!(chapter_7::mutants::e2_one_thread_at_a_time);
}

#[cfg(mutants)]
mod e2_zero_threads {
    suite!(chapter_7::mutants::e2_zero_threads);
}

#[cfg(mutants)]
mod e2_empty_input {
    suite!(chapter_7::mutants::e2_empty_input);
}
