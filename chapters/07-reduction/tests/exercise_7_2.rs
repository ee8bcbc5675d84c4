//! Grading suite of exercise 7.2 (`count_words`, `merge_into`), run by
//! `cargo xtask exercise check 7.2`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e2_word_count.rs`. Two passes: real threads under a watchdog, and,
//! with `--features shuttle`, the model checker across many schedules of small inputs.

#[cfg(not(feature = "shuttle"))]
use std::collections::HashMap;

use chapter_7::map_reduce::count_words_sequential;
#[cfg(not(feature = "shuttle"))]
use chapter_7::map_reduce::generate;
use chapter_7::word_count::count_words;
#[cfg(not(feature = "shuttle"))]
use chapter_7::word_count::{Counts, merge_into};

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing;
    use std::time::Duration;

    fn under_watchdog(name: &str, check: impl FnOnce() + Send + 'static) {
        // No progress is recorded: the 10 s stall period is the limit.
        testing::watched_with_hint(
            name,
            Duration::from_secs(10),
            "count_words did not finish",
            check,
        )
    }

    #[test]
    fn merge_adds_the_counts_of_shared_words() {
        under_watchdog("merge", || {
            let mut total: Counts = HashMap::from([("a".into(), 2), ("b".into(), 1)]);
            merge_into(
                &mut total,
                HashMap::from([("b".into(), 4), ("c".into(), 5)]),
            );
            let expected: Counts =
                HashMap::from([("a".into(), 2), ("b".into(), 5), ("c".into(), 5)]);
            assert_eq!(total, expected);
        });
    }

    #[test]
    fn counts_equal_a_sequential_count_for_any_thread_count() {
        under_watchdog("counts", || {
            for n in [0, 1, 2, 15, 16, 17, 1000, 50_000] {
                let words = generate(n, 11);
                let expected = count_words_sequential(&words);
                for threads in [0, 1, 2, 3, 4, 7, 64] {
                    let counts = count_words(&words, threads);
                    assert_eq!(counts, expected, "n={n} threads={threads}");
                    assert_eq!(
                        counts.values().sum::<u64>(),
                        n as u64,
                        "no word lost or doubled"
                    );
                }
            }
        });
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_loses_or_doubles_a_word() {
        model_check(|| {
            let words = ["a", "b", "a", "c", "a", "b", "d"];
            let expected = count_words_sequential(&words);
            assert_eq!(count_words(&words, 3), expected);
        });
    }
}
