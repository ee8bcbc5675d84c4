//! Grading suite of exercise 7.1 (`tree_reduce`), run by `cargo xtask exercise check 7.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_tree_reduce.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a learner's thread
//! that never finishes fails fast with a clear message), and, with `--cfg shuttle`, the
//! model checker across many schedules of small inputs.
//!
//! The main witness is [`Span`], an operator that is associative but not commutative and
//! remembers what it combined: the result says whether every item made it (a dropped chunk or
//! a dropped lone value shows as a gap) and whether every combination joined a left neighbour to
//! its right one (a result combined in finishing order does not). Then: the chunks are folded at
//! the same time, on at most `threads` chunk threads; and the first chunk, held up until the last
//! one is done, still comes first. The clock is only a safety net for waits that never end.

/// The items `first..=last`, combined; `in_order` while every combination joined neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    first: usize,
    last: usize,
    in_order: bool,
}

impl Span {
    /// Item `i` alone.
    fn item(i: usize) -> Self {
        Self {
            first: i,
            last: i,
            in_order: true,
        }
    }

    /// `left` then `right`: in order only if `right` starts where `left` ends.
    fn join(left: Self, right: Self) -> Self {
        Self {
            first: left.first,
            last: right.last,
            in_order: left.in_order && right.in_order && left.last + 1 == right.first,
        }
    }
}

/// Items `0..n` as spans.
fn spans(n: usize) -> Vec<Span> {
    (0..n).map(Span::item).collect()
}

/// Checks a reduction of `spans(n)`: every item there, every combination in order.
fn check_spans(got: Option<Span>, n: usize, threads: usize) {
    let Some(got) = got else {
        panic!("{threads} threads, {n} items: None, but only no data gives None");
    };
    assert!(
        got.in_order,
        "{threads} threads, {n} items: partial results combined out of order, not the order \
         they finish in: combine each left neighbour with its right one, in the chunks' order"
    );
    assert!(
        got.first == 0 && got.last + 1 == n,
        "{threads} threads, {n} items: the result covers items {}..={} of 0..={}: a chunk or a \
         partial result was dropped (the lone last value of an odd round moves up unchanged)",
        got.first,
        got.last,
        n - 1
    );
}

/// An associative but not commutative operator: composing affine maps `x -> a*x + b` (mod 2^64).
/// `compose(f, g)` applies `f` first, then `g`; swapping neighbours changes the answer.
fn compose(f: (u64, u64), g: (u64, u64)) -> (u64, u64) {
    (
        g.0.wrapping_mul(f.0),
        g.0.wrapping_mul(f.1).wrapping_add(g.1),
    )
}

/// The tests, against the tree-reduce module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::tree_reduce;
        #[allow(unused_imports)]
        use crate::{Span, check_spans, compose, spans};

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::sync::std_lock;
            use common::testing;
            use std::collections::HashSet;
            use std::sync::{Condvar, Mutex};
            use std::time::Duration;

            /// How long a call of `op` waits for something the reduction should make happen:
            /// only a safety net, so that one that never makes it happen fails instead of hanging.
            const PATIENCE: Duration = Duration::from_secs(2);

            fn under_watchdog(name: &str, check: impl FnOnce() + Send + 'static) {
                // No progress is recorded: the 10 s stall period is the limit.
                testing::watched(name, Duration::from_secs(10), check)
            }

            #[test]
            fn every_item_is_combined_once_in_order() {
                under_watchdog("spans", || {
                    for n in [1, 2, 3, 4, 5, 8, 9, 31, 100, 257] {
                        for threads in [1, 2, 3, 4, 5, 6, 7, 13, 16, 300] {
                            check_spans(tree_reduce(&spans(n), threads, Span::join), n, threads);
                        }
                    }
                });
            }

            #[test]
            fn zero_threads_counts_as_one() {
                let outcome = testing::watched("zero threads", Duration::from_secs(10), || {
                    std::panic::catch_unwind(|| tree_reduce(&spans(5), 0, Span::join))
                        .map_err(|payload| common::watchdog::panic_message(&*payload))
                });
                match outcome {
                    Ok(got) => check_spans(got, 5, 0),
                    Err(message) => panic!("panicked with 0 threads ({message}): 0 threads counts as 1"),
                }
            }

            #[test]
            fn sums_equal_the_sequential_sum_for_many_sizes_and_thread_counts() {
                under_watchdog("sums", || {
                    for n in [1u64, 2, 3, 4, 5, 8, 9, 31, 100, 1000] {
                        let data: Vec<u64> = (1..=n).collect();
                        for threads in [1, 2, 3, 4, 5, 7, 16, 2000] {
                            assert_eq!(
                                tree_reduce(&data, threads, u64::wrapping_add),
                                Some(n * (n + 1) / 2),
                                "n={n} threads={threads}: not the sum of every item"
                            );
                        }
                    }
                });
            }

            #[test]
            fn no_data_gives_none() {
                under_watchdog("empty", || {
                    for threads in [1, 4] {
                        assert_eq!(
                            tree_reduce(&[] as &[u64], threads, u64::wrapping_add),
                            None,
                            "no data gives None"
                        );
                    }
                });
            }

            #[test]
            fn partial_results_are_combined_in_order() {
                under_watchdog("order", || {
                    let maps: Vec<(u64, u64)> =
                        (0..257u64).map(|i| (2 * i + 3, i * i + 1)).collect();
                    let expected = maps.iter().copied().reduce(compose);
                    for threads in [1, 2, 3, 4, 6, 7, 13, 300] {
                        assert_eq!(
                            tree_reduce(&maps, threads, compose),
                            expected,
                            "threads={threads}: neighbours must be combined left with right, in order"
                        );
                    }
                });
            }

            /// The first chunk's first step waits until the last item has been folded in, so
            /// the first chunk finishes last: its partial result must still come first.
            #[test]
            fn the_first_chunk_finishing_last_still_comes_first() {
                const N: usize = 64;
                under_watchdog("first finishes last", || {
                    let last_seen = Mutex::new(false);
                    let changed = Condvar::new();
                    let got = tree_reduce(&spans(N), 4, |a: Span, b: Span| {
                        if a.first == 0 && a.last == 0 && b.first == 1 {
                            let seen = std_lock(&last_seen);
                            let _ = changed
                                .wait_timeout_while(seen, PATIENCE, |seen| !*seen)
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                        } else if b.first == N - 1 {
                            *std_lock(&last_seen) = true;
                            changed.notify_all();
                        }
                        Span::join(a, b)
                    });
                    check_spans(got, N, 4);
                });
            }

            /// `op` waits (up to `PATIENCE`) until two calls are inside at once: chunks folded
            /// on their own threads get there at once, chunks folded one after the other never.
            /// The threads that call `op` are counted too: `threads` for the chunks, fewer for
            /// the rounds.
            #[test]
            fn chunks_are_folded_at_once_on_their_own_threads() {
                const THREADS: usize = 4;
                under_watchdog("overlap", || {
                    // (calls inside now, most inside at once, waited in vain)
                    let state = Mutex::new((0usize, 0usize, false));
                    let changed = Condvar::new();
                    let threads = Mutex::new(HashSet::new());
                    let got = tree_reduce(&spans(400), THREADS, |a: Span, b: Span| {
                        std_lock(&threads).insert(std::thread::current().id());
                        let mut s = std_lock(&state);
                        s.0 += 1;
                        s.1 = s.1.max(s.0);
                        changed.notify_all();
                        if s.1 < 2 && !s.2 {
                            let (mut s, wait) = changed
                                .wait_timeout_while(s, PATIENCE, |s| s.1 < 2)
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            s.2 |= wait.timed_out();
                            s.0 -= 1;
                        } else {
                            s.0 -= 1;
                        }
                        Span::join(a, b)
                    });
                    check_spans(got, 400, THREADS);
                    let peak = std_lock(&state).1;
                    assert!(
                        peak >= 2,
                        "never two calls of op at once with {THREADS} threads: fold each chunk \
                         on its own thread, all at the same time"
                    );
                    let used = std_lock(&threads).len();
                    assert!(
                        used < 2 * THREADS,
                        "op ran on {used} threads with {THREADS} threads asked for: cut the data \
                         into `threads` chunks (not chunks of `threads` items)"
                    );
                });
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn every_schedule_combines_in_order() {
                model_check(|| {
                    check_spans(tree_reduce(&spans(7), 3, Span::join), 7, 3);
                    check_spans(tree_reduce(&spans(5), 2, Span::join), 5, 2);
                    let maps: Vec<(u64, u64)> = (0..7u64).map(|i| (2 * i + 3, i * i + 1)).collect();
                    let expected = maps.iter().copied().reduce(compose);
                    assert_eq!(
                        tree_reduce(&maps, 3, compose),
                        expected,
                        "partial results combined out of order"
                    );
                });
            }
        }
    };
}

/// The learner's reduction (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_7::tree_reduce);
}

#[cfg(mutants)]
mod e1_finish_order {
    suite!(chapter_7::mutants::e1_finish_order);
}

#[cfg(mutants)]
mod e1_drops_lone_last {
    suite!(chapter_7::mutants::e1_drops_lone_last);
}

#[cfg(mutants)]
mod e1_sequential {
    suite!(chapter_7::mutants::e1_sequential);
}

#[cfg(mutants)]
mod e1_chunks_of_threads {
    suite!(chapter_7::mutants::e1_chunks_of_threads);
}

#[cfg(mutants)]
mod e1_zero_threads {
    suite!(chapter_7::mutants::e1_zero_threads);
}
