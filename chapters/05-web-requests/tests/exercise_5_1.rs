//! Grading suite of exercise 5.1 (`pool_map`), run by `cargo xtask exercise check 5.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_pool_map.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads (and real requests to the local status
//! server, counted by the server itself), each under a watchdog so a hang fails fast with a
//! report; and, with `--cfg shuttle`, the model checker across many schedules.
//!
//! What is checked, as the task states it: results in the items' order, also when the first item
//! finishes last; every item worked on exactly once; never more than `workers` calls of `work` at
//! once, on at most `workers` threads; and the calls really overlap: `work` waits until `workers`
//! calls are inside at once, which a pool that runs one call at a time never reaches. The clock
//! is only a safety net: a wait that is never satisfied gives up after a few seconds and fails.

/// The tests, against the pool module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::pool_map;

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use std::collections::HashSet;
            use std::sync::atomic::{AtomicUsize, Ordering};
            use std::sync::{Condvar, Mutex};
            use std::time::Duration;

            use chapter_5::probe::{Answer, blocking_agent, book_targets, fetch_blocking};
            use common::http::StatusServer;
            use common::sync::std_lock;
            use common::testing;

            /// How long a call of `work` waits for something the pool should make happen: only
            /// a safety net, so that a pool that never makes it happen fails instead of hanging.
            const PATIENCE: Duration = Duration::from_secs(2);

            /// Runs `body` on a watched thread: a learner's deadlock or endless loop fails the
            /// test with the watchdog's report instead of hanging the grader.
            fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
                testing::watched_with_hint(
                    "pool_map",
                    Duration::from_secs(30),
                    "pool_map did not return: does every worker stop once no item is left?",
                    body,
                )
            }

            /// Counts the calls of `work` per item and fails at the second call on the same item,
            /// before anything else a skipped or doubled item makes go wrong.
            struct OnceEach(Vec<AtomicUsize>);

            impl OnceEach {
                fn new(n: usize) -> Self {
                    Self((0..n).map(|_| AtomicUsize::new(0)).collect())
                }

                fn call(&self, item: usize) {
                    let before = self.0[item].fetch_add(1, Ordering::SeqCst);
                    assert_eq!(
                        before, 0,
                        "item {item} was worked on twice: two workers took the same item (take \
                         and advance the next index under one lock)"
                    );
                }
            }

            #[test]
            fn results_come_back_in_the_items_order() {
                for workers in [1, 3, 50] {
                    let squares = watched(move || {
                        let items: Vec<u64> = (0..20).collect();
                        let once = OnceEach::new(items.len());
                        pool_map(&items, workers, |&x| {
                            once.call(x as usize);
                            x * x
                        })
                    });
                    let expected: Vec<u64> = (0..20).map(|x| x * x).collect();
                    assert_eq!(
                        squares, expected,
                        "{workers} workers: results not in the items' order"
                    );
                }
                let none: Vec<u64> = watched(|| pool_map(&[] as &[u64], 4, |x| *x));
                assert!(none.is_empty(), "no items, no results");
            }

            /// Item 0's call waits until every other item is done, so it finishes last: a pool
            /// that returns results in the order they finished puts it at the end.
            #[test]
            fn results_keep_the_items_order_when_the_first_finishes_last() {
                let results = watched(|| {
                    let items: Vec<usize> = (0..8).collect();
                    let done = Mutex::new(0usize);
                    let changed = Condvar::new();
                    let once = OnceEach::new(items.len());
                    pool_map(&items, 3, |&i| {
                        once.call(i);
                        if i == 0 {
                            let others = items.len() - 1;
                            let guard = std_lock(&done);
                            let _ = changed
                                .wait_timeout_while(guard, PATIENCE, |done| *done < others)
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                        } else {
                            *std_lock(&done) += 1;
                            changed.notify_all();
                        }
                        i * 10
                    })
                });
                let expected: Vec<usize> = (0..8).map(|i| i * 10).collect();
                assert_eq!(
                    results, expected,
                    "results in the order they finished, not the items' order (item 0 finished \
                     last): store each result in its item's slot"
                );
            }

            #[test]
            fn every_item_is_worked_on_exactly_once() {
                let once = watched(|| {
                    let once = OnceEach::new(100);
                    let indexes: Vec<usize> = (0..100).collect();
                    pool_map(&indexes, 7, |&i| once.call(i));
                    once
                });
                for (item, count) in once.0.iter().enumerate() {
                    let count = count.load(Ordering::SeqCst);
                    assert_eq!(
                        count, 1,
                        "item {item} was worked on {count} times: every item exactly once (take \
                         and advance the next index under one lock)"
                    );
                }
            }

            #[test]
            fn zero_workers_is_refused() {
                let refused = watched(|| {
                    std::panic::catch_unwind(|| pool_map(&[1, 2, 3], 0, |x| *x))
                        .err()
                        .map(|payload| common::watchdog::panic_message(&*payload))
                });
                match refused {
                    Some(message) => assert!(
                        message.contains("at least one worker"),
                        "0 workers panicked, but the message does not say \"at least one \
                         worker\": {message}"
                    ),
                    None => panic!("0 workers must panic with \"at least one worker\""),
                }
            }

            /// `work` waits (up to `PATIENCE`) until `WORKERS` calls are inside at once: a pool
            /// reaches that at once, a pool that runs one call at a time never does. The
            /// threads that call `work` are counted too: at most `WORKERS` of them.
            #[test]
            fn work_overlaps_up_to_the_pool_size_and_no_further() {
                const WORKERS: usize = 3;
                let (reached, peak, threads) = watched(|| {
                    let items: Vec<usize> = (0..12).collect();
                    // (calls inside now, most inside at once, waited in vain)
                    let state = Mutex::new((0usize, 0usize, false));
                    let changed = Condvar::new();
                    let threads = Mutex::new(HashSet::new());
                    let once = OnceEach::new(items.len());
                    pool_map(&items, WORKERS, |&i| {
                        once.call(i);
                        std_lock(&threads).insert(std::thread::current().id());
                        let mut s = std_lock(&state);
                        s.0 += 1;
                        s.1 = s.1.max(s.0);
                        changed.notify_all();
                        if s.1 < WORKERS && !s.2 {
                            let (mut s, wait) = changed
                                .wait_timeout_while(s, PATIENCE, |s| s.1 < WORKERS)
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            // Give up once for all: the other calls need not wait in vain too.
                            s.2 |= wait.timed_out();
                            s.0 -= 1;
                        } else {
                            s.0 -= 1;
                        }
                    });
                    let (_, peak, _) = *std_lock(&state);
                    let threads = std_lock(&threads).len();
                    (peak >= WORKERS, peak, threads)
                });
                assert!(
                    reached,
                    "the calls of work were serialized: never more than {peak} at once with \
                     {WORKERS} workers (is a lock held while `work` runs?)"
                );
                assert!(
                    peak <= WORKERS,
                    "{peak} calls of work at once with {WORKERS} workers"
                );
                assert!(
                    threads <= WORKERS,
                    "work ran on {threads} threads with {WORKERS} workers: start at most \
                     `workers` threads, each taking items until none is left"
                );
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
                    assert!(
                        probe.as_expected(),
                        "request {i} is not the answer to target {i}"
                    );
                    assert!(matches!(probe.answer, Answer::Status(_)));
                }
                // The server's own count: at most `workers` at once, and more than one (the pool
                // really runs requests side by side; a 40 ms delay is far longer than starting a
                // thread).
                let peak = server.stats().peak_in_flight;
                assert!(
                    peak <= workers,
                    "the server saw {peak} requests at once with {workers} workers"
                );
                assert!(
                    peak > 1,
                    "the server never saw two requests at once: the calls of work were \
                     serialized (is a lock held while `work` runs?)"
                );
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::atomic::{AtomicUsize, Ordering};
            use common::sync::model_check;

            #[test]
            fn no_schedule_loses_an_item_or_exceeds_the_pool() {
                model_check(|| {
                    let inside = AtomicUsize::new(0);
                    let calls: Vec<AtomicUsize> = (0..4).map(|_| AtomicUsize::new(0)).collect();
                    let items = [0usize, 1, 2, 3];
                    let results = pool_map(&items, 2, |&i| {
                        let before = calls[i].fetch_add(1, Ordering::SeqCst);
                        assert_eq!(
                            before, 0,
                            "item {i} was worked on twice: two workers took the same item (take \
                             and advance the next index under one lock)"
                        );
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        assert!(now <= 2, "{now} calls at once with 2 workers");
                        inside.fetch_sub(1, Ordering::SeqCst);
                        i * 10 + 1
                    });
                    assert_eq!(
                        results,
                        vec![1, 11, 21, 31],
                        "results not in the items' order"
                    );
                });
            }
        }
    };
}

/// The learner's pool (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_5::pool);
}

#[cfg(mutants)]
mod e1_lock_held {
    suite!(chapter_5::mutants::e1_lock_held);
}

#[cfg(mutants)]
mod e1_thread_per_item {
    suite!(chapter_5::mutants::e1_thread_per_item);
}

#[cfg(mutants)]
mod e1_finish_order {
    suite!(chapter_5::mutants::e1_finish_order);
}

#[cfg(mutants)]
mod e1_split_index {
    suite!(chapter_5::mutants::e1_split_index);
}
