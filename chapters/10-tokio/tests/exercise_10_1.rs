//! Grading suite of exercise 10.1 (`gather_limited`), run by `cargo xtask exercise check 10.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_limited_gather.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails.
//!
//! Async time is tokio's paused clock, so a test takes no real time and every run is the same.
//! The verdicts are counts, not times: each job counts itself in and out, and checks at its
//! start that no more than `limit` are in progress; a watcher looks at the counts every 10 ms of
//! paused time, halfway between the jobs' starts and ends (their pauses are multiples of 10 ms),
//! and checks that while some jobs have not started, `limit` are in progress — a sliding window.
//! Fixed waves of `limit` fail that as soon as a wave's fast job ends before its slowest one.
//! Each run is under a `tokio::time::timeout`, so a hang fails with a message.

#![cfg(not(shuttle))]

/// The tests, against the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::future::Future;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::time::Duration;

        use $($module)::+::gather_limited;
        use tokio::time::{Instant, sleep, timeout};

        /// Paused time: a hang, not slowness.
        const LIMIT: Duration = Duration::from_secs(60);

        /// What the jobs of one run count as they start and end.
        #[derive(Debug, Default)]
        struct Counts {
            started: AtomicUsize,
            in_flight: AtomicUsize,
            finished: AtomicUsize,
            peak: AtomicUsize,
        }

        /// The jobs of one run: job `i` pauses `pauses[i]` ms and returns `i`. Each checks at its
        /// start that at most `limit` (0 counts as 1) are in progress, itself included.
        fn jobs(
            pauses: &[u64],
            limit: usize,
            counts: &Arc<Counts>,
        ) -> Vec<impl Future<Output = usize> + use<>> {
            pauses
                .iter()
                .enumerate()
                .map(|(i, &ms)| {
                    let counts = Arc::clone(counts);
                    async move {
                        counts.started.fetch_add(1, Ordering::SeqCst);
                        let now = counts.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        counts.peak.fetch_max(now, Ordering::SeqCst);
                        assert!(
                            now <= limit.max(1),
                            "{now} jobs in progress at once with a limit of {limit}{}: start a \
                             job only while fewer than the limit are in progress",
                            if limit == 0 { " (which counts as 1)" } else { "" }
                        );
                        sleep(Duration::from_millis(ms)).await;
                        counts.in_flight.fetch_sub(1, Ordering::SeqCst);
                        counts.finished.fetch_add(1, Ordering::SeqCst);
                        i
                    }
                })
                .collect()
        }

        /// Every 10 ms of paused time from 5 ms on, until `done`: while some of the `total` jobs
        /// have not started, `limit` (0 counts as 1) must be in progress.
        async fn watch(counts: &Counts, total: usize, limit: usize, done: &AtomicBool) {
            let window = limit.max(1);
            let start = Instant::now();
            sleep(Duration::from_millis(5)).await;
            while !done.load(Ordering::SeqCst) {
                let in_flight = counts.in_flight.load(Ordering::SeqCst);
                let waiting = total - counts.started.load(Ordering::SeqCst);
                if waiting > 0 && in_flight < window {
                    let at = start.elapsed().as_millis();
                    if in_flight == 0 {
                        panic!(
                            "no job in progress at {at} ms while {waiting} had not started — {}",
                            if limit == 0 {
                                "a limit of 0 must count as 1"
                            } else {
                                "start a job as soon as fewer than the limit are in progress"
                            }
                        );
                    }
                    if counts.peak.load(Ordering::SeqCst) == 1 {
                        panic!(
                            "the jobs run one at a time (never more than 1 in progress with a \
                             limit of {limit}): start up to the limit of them before awaiting \
                             any"
                        );
                    }
                    panic!(
                        "only {in_flight} of {window} jobs in progress at {at} ms while {waiting} \
                         had not started: start the next job as soon as any job finishes (a \
                         sliding window, not fixed waves of `limit`, nor a window held up by a \
                         slow job still running)"
                    );
                }
                sleep(Duration::from_millis(10)).await;
            }
        }

        /// Gathers jobs pausing `pauses` ms with `limit`, watched; checks that every job ran to
        /// its end and the results are in input order. Returns the peak of jobs in progress.
        async fn gather_watched(pauses: &[u64], limit: usize) -> usize {
            let counts = Arc::new(Counts::default());
            let done = AtomicBool::new(false);
            let gather = async {
                let results = gather_limited(jobs(pauses, limit, &counts), limit).await;
                done.store(true, Ordering::SeqCst);
                results
            };
            let hung = if limit == 0 {
                "gather_limited never finished (paused clock: every job waits) — a limit of 0 \
                 must count as 1"
            } else {
                "gather_limited never finished (paused clock: every job waits)"
            };
            let (results, ()) = timeout(LIMIT, async {
                tokio::join!(gather, watch(&counts, pauses.len(), limit, &done))
            })
            .await
            .expect(hung);
            assert_eq!(
                counts.finished.load(Ordering::SeqCst),
                pauses.len(),
                "every job runs to its end before gather_limited returns"
            );
            assert_eq!(
                results,
                (0..pauses.len()).collect::<Vec<_>>(),
                "results in input order (result `i` is job `i`'s), not in the order the jobs \
                 finished"
            );
            counts.peak.load(Ordering::SeqCst)
        }

        #[tokio::test(start_paused = true)]
        async fn results_keep_the_input_order_whatever_finishes_first() {
            gather_watched(&[90, 10, 50, 30, 70, 20], 2).await;
        }

        #[tokio::test(start_paused = true)]
        async fn uneven_jobs_keep_the_limit_in_progress_while_any_wait() {
            let pauses = [10, 50, 20, 30, 10, 40, 10, 20, 60, 10, 30, 20];
            let peak = gather_watched(&pauses, 3).await;
            assert_eq!(peak, 3, "peak of jobs in progress with a limit of 3");
        }

        #[tokio::test(start_paused = true)]
        async fn ten_equal_jobs_three_at_a_time() {
            let peak = gather_watched(&[100; 10], 3).await;
            assert_eq!(peak, 3, "peak of jobs in progress with a limit of 3");
        }

        #[tokio::test(start_paused = true)]
        async fn a_limit_of_zero_counts_as_one() {
            let peak = gather_watched(&[10, 30, 20, 10], 0).await;
            assert_eq!(peak, 1, "a limit of 0 counts as 1: one job at a time");
        }

        #[tokio::test(start_paused = true)]
        async fn a_limit_above_the_number_of_jobs_runs_them_all_at_once() {
            let peak = gather_watched(&[10, 30, 20, 10], 100).await;
            assert_eq!(peak, 4, "4 jobs with a limit of 100: all 4 at once");
        }

        #[tokio::test(start_paused = true)]
        async fn no_jobs_give_no_results() {
            let none: Vec<std::future::Ready<u8>> = Vec::new();
            let results = timeout(LIMIT, gather_limited(none, 3))
                .await
                .expect("gather_limited of no jobs never finished");
            assert!(results.is_empty(), "no jobs give no results");
        }
    };
}

/// The learner's `gather_limited` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_10::limited_gather);
}

#[cfg(mutants)]
mod e1_waves {
    suite!(chapter_10::mutants::e1_waves);
}

#[cfg(mutants)]
mod e1_buffered {
    suite!(chapter_10::mutants::e1_buffered);
}

#[cfg(mutants)]
mod e1_no_limit {
    suite!(chapter_10::mutants::e1_no_limit);
}

#[cfg(mutants)]
mod e1_one_at_a_time {
    suite!(chapter_10::mutants::e1_one_at_a_time);
}

#[cfg(mutants)]
mod e1_unordered {
    suite!(chapter_10::mutants::e1_unordered);
}

#[cfg(mutants)]
mod e1_zero_limit_waits {
    suite!(chapter_10::mutants::e1_zero_limit_waits);
}
