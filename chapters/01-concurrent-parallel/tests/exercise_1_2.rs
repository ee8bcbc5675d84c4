//! Grading suite of exercise 1.2 (the pool's shared work index), run by
//! `cargo xtask exercise check 1.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_work_index.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, and, with
//! `--cfg shuttle`, the model checker: three workers over many random schedules, and two
//! workers over *every* schedule (shuttle's exhaustive search), so a claim that two callers can
//! interleave is found on every run, not by luck.
//!
//! Checked for every worker: once `claim` gives it `None`, it gives `None` again (no job left
//! behind); and for all workers together: each index of `0..len` handed out exactly once, none
//! past the end.

/// The tests, against the work-index module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::WorkIndex;

        /// Claims until `None`; returns the indices this caller got. A `None` must be final:
        /// the worker asks once more and must get `None` again.
        fn claim_all(index: &WorkIndex) -> Vec<usize> {
            let mut mine = Vec::new();
            while let Some(i) = index.claim() {
                mine.push(i);
                common::sync::thread::yield_now();
            }
            if let Some(i) = index.claim() {
                panic!(
                    "claim gave a worker None, then Some({i}): None must mean every job is gone \
                     (a worker stops at its first None, leaving the jobs still there undone)"
                );
            }
            mine
        }

        /// Asserts that the callers' claims together are exactly `0..len`, each once.
        fn exactly_once(claims: Vec<Vec<usize>>, len: usize) {
            let mut all: Vec<usize> = claims.into_iter().flatten().collect();
            all.sort_unstable();
            let past: Vec<usize> = all.iter().copied().filter(|&i| i >= len).collect();
            assert!(
                past.is_empty(),
                "claim handed out {past:?}, past the last job: the jobs are 0..{len}, and once they \
                 are all gone claim gives None, even to callers that asked at the same moment"
            );
            let twice: Vec<usize> = all
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            assert!(
                twice.is_empty(),
                "{} index(es) claimed twice, e.g. {:?}: two workers got the same job — the read \
                 and the increment of the counter must be one step no other worker can come \
                 between",
                twice.len(),
                &twice[..twice.len().min(5)]
            );
            let missing: Vec<usize> = (0..len).filter(|i| all.binary_search(i).is_err()).collect();
            assert!(
                missing.is_empty(),
                "{} index(es) never handed out, e.g. {:?}",
                missing.len(),
                &missing[..missing.len().min(5)]
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::assert_finished;
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::time::Duration;

            #[test]
            fn one_caller_gets_every_index_in_order_then_none() {
                let index = WorkIndex::new(5);
                let got: Vec<Option<usize>> = (0..8).map(|_| index.claim()).collect();
                let past: Vec<usize> = got.iter().flatten().copied().filter(|&i| i >= 5).collect();
                assert!(
                    past.is_empty(),
                    "claim handed out {past:?}, past the last job (the jobs are 0..5): {got:?}"
                );
                assert_eq!(
                    got,
                    [Some(0), Some(1), Some(2), Some(3), Some(4), None, None, None],
                    "one caller, 5 jobs: 0 to 4 in order, then only None"
                );
                assert_eq!(WorkIndex::new(0).claim(), None, "no jobs, nothing to claim");
            }

            #[test]
            fn four_workers_claim_every_index_once() {
                for _round in 0..20 {
                    let len = 10_000;
                    let index = Arc::new(WorkIndex::new(len));
                    let workers = (0..4)
                        .map(|w| {
                            let index = Arc::clone(&index);
                            worker(format!("worker {w}"), move |ctx: &WorkerCtx| {
                                let mine = claim_all(&index);
                                ctx.progress();
                                mine
                            })
                        })
                        .collect();
                    let report = Watchdog::new(Duration::from_secs(20))
                        .stall_after(Duration::from_secs(10))
                        .run(workers);
                    assert_finished(&report, "");
                    let claims = report.results().into_iter().flatten().cloned().collect();
                    exactly_once(claims, len);
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            /// `workers` workers claim every job of `0..len`.
            fn workers_claim(workers: usize, len: usize) {
                let index = Arc::new(WorkIndex::new(len));
                let threads: Vec<_> = (0..workers)
                    .map(|w| {
                        let index = Arc::clone(&index);
                        spawn_named(format!("worker {w}"), move || claim_all(&index))
                    })
                    .collect();
                let claims = threads
                    .into_iter()
                    .map(|t| t.join().expect("no worker panicked"))
                    .collect();
                exactly_once(claims, len);
            }

            #[test]
            fn no_schedule_hands_an_index_out_twice() {
                model_check(|| workers_claim(3, 4));
            }

            /// Every interleaving of two workers over two jobs: a few hundred schedules.
            #[test]
            fn no_schedule_of_two_workers_goes_wrong() {
                shuttle::check_dfs(|| workers_claim(2, 2), None);
            }
        }
    };
}

/// The learner's work index (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_1::work_index);
}

/// The chapter's pool, built on the graded work index.
#[cfg(not(shuttle))]
mod graded_pool {
    use chapter_1::prime_check::primes_pool;
    use chapter_1::primes::{BOOK_START, numbers, primes_sequential};

    #[test]
    fn the_pool_built_on_it_finds_the_primes() {
        let numbers = numbers(BOOK_START, 100);
        let run = common::testing::watched("pool", std::time::Duration::from_secs(30), move || {
            (primes_pool(&numbers, 3), primes_sequential(&numbers))
        });
        let (run, primes) = run;
        assert_eq!(
            run.jobs.iter().sum::<usize>(),
            100,
            "each number tested once"
        );
        assert_eq!(run.primes, primes);
    }
}

#[cfg(mutants)]
mod e2_load_then_store {
    suite!(chapter_1::mutants::e2_load_then_store);
}

#[cfg(mutants)]
mod e2_check_then_add {
    suite!(chapter_1::mutants::e2_check_then_add);
}

#[cfg(mutants)]
mod e2_gives_up_on_contention {
    suite!(chapter_1::mutants::e2_gives_up_on_contention);
}

#[cfg(mutants)]
mod e2_one_past_the_end {
    suite!(chapter_1::mutants::e2_one_past_the_end);
}
