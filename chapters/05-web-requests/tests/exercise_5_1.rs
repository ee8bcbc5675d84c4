//! Grading suite of exercise 5.1 (`pool_map`), run by `cargo xtask exercise check 5.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_pool_map.rs`. Two passes: real threads and real requests to
//! the local status server, each under a watchdog (a hang fails fast with a report), and, with
//! `--features shuttle`, the model checker across many schedules.

use chapter_5::pool::pool_map;

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use chapter_5::probe::{Answer, blocking_agent, book_targets, fetch_blocking};
    use common::http::StatusServer;
    use common::testing;

    /// Runs `body` on a watched thread: a learner's deadlock or endless loop fails the test with
    /// the watchdog's report instead of hanging the grader.
    fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched("pool_map", Duration::from_secs(30), body)
    }

    #[test]
    fn results_come_back_in_the_items_order() {
        for workers in [1, 3, 50] {
            let squares = watched(move || {
                let items: Vec<u64> = (0..20).collect();
                pool_map(&items, workers, |x| x * x)
            });
            let expected: Vec<u64> = (0..20).map(|x| x * x).collect();
            assert_eq!(squares, expected, "{workers} workers");
        }
        let none: Vec<u64> = watched(|| pool_map(&[] as &[u64], 4, |x| *x));
        assert!(none.is_empty());
    }

    #[test]
    fn every_item_is_worked_on_exactly_once() {
        let calls = watched(|| {
            let calls: Vec<AtomicUsize> = (0..100).map(|_| AtomicUsize::new(0)).collect();
            let indexes: Vec<usize> = (0..100).collect();
            pool_map(&indexes, 7, |&i| calls[i].fetch_add(1, Ordering::SeqCst));
            calls
                .iter()
                .map(|c| c.load(Ordering::SeqCst))
                .collect::<Vec<_>>()
        });
        assert!(calls.iter().all(|&c| c == 1), "{calls:?}");
    }

    #[test]
    #[should_panic(expected = "at least one worker")]
    fn zero_workers_is_refused() {
        let _ = pool_map(&[1, 2, 3], 0, |x| *x);
    }

    #[test]
    fn real_requests_overlap_but_never_exceed_the_pool() {
        let server = StatusServer::start().expect("starts");
        let targets = book_targets(&server.url(""), 16, Duration::from_millis(40));
        let workers = 4;
        let probes = watched(move || {
            let agent = blocking_agent(Duration::from_secs(10));
            pool_map(&targets, workers, |t| fetch_blocking(&agent, t))
        });
        for (i, probe) in probes.iter().enumerate() {
            assert!(probe.as_expected(), "request {i}: {probe:?}");
            assert!(matches!(probe.answer, Answer::Status(_)));
        }
        // The server's own count: at most `workers` at once, and more than one (the pool really
        // runs requests side by side; a 40 ms delay is far longer than starting a thread).
        let peak = server.stats().peak_in_flight;
        assert!(peak <= workers, "the server saw {peak} requests at once");
        assert!(peak > 1, "the server never saw two requests at once");
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::atomic::{AtomicUsize, Ordering};
    use common::sync::model_check;

    #[test]
    fn no_schedule_loses_an_item_or_exceeds_the_pool() {
        model_check(|| {
            let inside = AtomicUsize::new(0);
            let items = [10, 20, 30, 40];
            let results = pool_map(&items, 2, |x| {
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                assert!(now <= 2, "{now} calls at once with 2 workers");
                inside.fetch_sub(1, Ordering::SeqCst);
                x + 1
            });
            assert_eq!(results, vec![11, 21, 31, 41]);
        });
    }
}
