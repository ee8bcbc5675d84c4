//! Grading suite of exercise 1.2 (the pool's shared work index), run by
//! `cargo xtask exercise check 1.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_work_index.rs`. Two passes: real threads under a watchdog,
//! and, with `--features shuttle`, the model checker across many schedules: in none may an
//! index be handed out twice or skipped.

use std::sync::Arc;

use chapter_1::work_index::WorkIndex;

/// Claims until `None`; returns the indices this caller got.
fn claim_all(index: &WorkIndex) -> Vec<usize> {
    let mut mine = Vec::new();
    while let Some(i) = index.claim() {
        mine.push(i);
        common::sync::thread::yield_now();
    }
    mine
}

/// Asserts that the callers' claims together are exactly `0..len`, each once.
fn exactly_once(claims: Vec<Vec<usize>>, len: usize) {
    let mut all: Vec<usize> = claims.into_iter().flatten().collect();
    all.sort_unstable();
    let twice: Vec<usize> = all
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    assert!(
        twice.is_empty(),
        "{} index(es) claimed twice, e.g. {:?}",
        twice.len(),
        &twice[..twice.len().min(5)]
    );
    let missing = (0..len).filter(|i| all.binary_search(i).is_err()).count();
    assert_eq!(missing, 0, "indices never handed out");
    assert_eq!(all.len(), len, "every index of 0..{len} exactly once");
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use chapter_1::prime_check::primes_pool;
    use chapter_1::primes::{BOOK_START, numbers, primes_sequential};
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn one_caller_gets_every_index_in_order_then_none() {
        let index = WorkIndex::new(5);
        let got: Vec<Option<usize>> = (0..8).map(|_| index.claim()).collect();
        assert_eq!(
            got,
            [
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                None,
                None,
                None
            ]
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

    #[test]
    fn the_pool_built_on_it_finds_the_primes() {
        let numbers = numbers(BOOK_START, 100);
        let run = primes_pool(&numbers, 3);
        assert_eq!(
            run.jobs.iter().sum::<usize>(),
            100,
            "each number tested once"
        );
        assert_eq!(run.primes, primes_sequential(&numbers));
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    #[test]
    fn no_schedule_hands_an_index_out_twice() {
        model_check(|| {
            let index = Arc::new(WorkIndex::new(4));
            let threads: Vec<_> = (0..3)
                .map(|w| {
                    let index = Arc::clone(&index);
                    spawn_named(format!("worker {w}"), move || claim_all(&index))
                })
                .collect();
            let claims = threads
                .into_iter()
                .map(|t| t.join().expect("no worker panicked"))
                .collect();
            exactly_once(claims, 4);
        });
    }
}
