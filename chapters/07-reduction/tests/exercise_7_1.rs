//! Grading suite of exercise 7.1 (`tree_reduce`), run by `cargo xtask exercise check 7.1`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e1_tree_reduce.rs`. Two passes: real threads under a watchdog (a
//! learner's thread that never finishes fails fast with a clear message), and, with
//! `--features shuttle`, the model checker across many schedules of small inputs.

use chapter_7::tree_reduce::tree_reduce;

/// An associative but not commutative operator: composing affine maps `x -> a*x + b` (mod 2^64).
/// `compose(f, g)` applies `f` first, then `g`; swapping neighbours changes the answer.
fn compose(f: (u64, u64), g: (u64, u64)) -> (u64, u64) {
    (
        g.0.wrapping_mul(f.0),
        g.0.wrapping_mul(f.1).wrapping_add(g.1),
    )
}

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
            "tree_reduce did not finish",
            check,
        )
    }

    #[test]
    fn sums_equal_the_sequential_sum_for_many_sizes_and_thread_counts() {
        under_watchdog("sums", || {
            for n in [1u64, 2, 3, 4, 5, 8, 9, 31, 100, 1000] {
                let data: Vec<u64> = (1..=n).collect();
                for threads in [0, 1, 2, 3, 4, 5, 7, 16, 2000] {
                    assert_eq!(
                        tree_reduce(&data, threads, u64::wrapping_add),
                        Some(n * (n + 1) / 2),
                        "n={n} threads={threads}"
                    );
                }
            }
        });
    }

    #[test]
    fn no_data_gives_none() {
        under_watchdog("empty", || {
            for threads in [0, 1, 4] {
                assert_eq!(tree_reduce(&[] as &[u64], threads, u64::wrapping_add), None);
            }
        });
    }

    #[test]
    fn partial_results_are_combined_in_order() {
        under_watchdog("order", || {
            let maps: Vec<(u64, u64)> = (0..257u64).map(|i| (2 * i + 3, i * i + 1)).collect();
            let expected = maps.iter().copied().reduce(compose);
            for threads in [0, 1, 2, 3, 4, 6, 7, 13, 300] {
                assert_eq!(
                    tree_reduce(&maps, threads, compose),
                    expected,
                    "threads={threads}: neighbours must be combined left with right, in order"
                );
            }
        });
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn every_schedule_combines_in_order() {
        model_check(|| {
            let maps: Vec<(u64, u64)> = (0..7u64).map(|i| (2 * i + 3, i * i + 1)).collect();
            let expected = maps.iter().copied().reduce(compose);
            assert_eq!(tree_reduce(&maps, 3, compose), expected, "out of order");
            assert_eq!(
                tree_reduce(&[1u64, 2, 3, 4, 5], 2, u64::wrapping_add),
                Some(15)
            );
        });
    }
}
