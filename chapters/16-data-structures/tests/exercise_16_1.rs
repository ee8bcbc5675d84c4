//! Grading suite of exercise 16.1 (the approximate counter), run by `cargo xtask exercise check
//! 16.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_approximate_counter.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails. Two passes: real threads under a watchdog (a deadlock
//! fails in seconds and names who waits), and, with `--cfg shuttle`, the model checker
//! across many schedules. (The loom pass checks the same invariants in `loom_counter.rs`.)
//!
//! What is checked, as the task states it: the read moves in steps of S and only counts that
//! reached the global count; no count is lost or counted twice, also when two threads share one
//! local count; every read taken under load is at most the increments done and short of them by
//! at most `threads × (S − 1)`.

#![cfg(not(loom))]

/// The tests, against the approximate counter module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::ApproximateCounter;
        use common::sync::atomic::{AtomicU64, Ordering};

        /// Said whenever the counts go wrong in a test where two threads bump one local count.
        const SHARED: &str = "two threads share each local count here, so another thread may \
                              bump it between your increment and your reset: hold the local \
                              lock from the increment until the reset";

        /// Increments `each` times for thread `me`, counting in `done` *before* each increment,
        /// so that the counter never legitimately holds more than `done`.
        fn count(counter: &ApproximateCounter, done: &AtomicU64, me: usize, each: u64) {
            for _ in 0..each {
                done.fetch_add(1, Ordering::SeqCst);
                counter.increment(me);
            }
        }

        /// Fails unless the global count and the local ones add up to the `total` increments.
        fn assert_nothing_lost_or_doubled(counter: &ApproximateCounter, total: u64, why: &str) {
            let (read, pending) = (counter.read(), counter.pending());
            let sum = read + pending;
            assert!(
                !(read == total && pending > 0),
                "the read is exact ({read}) while {pending} count(s) are still held locally — \
                 `read` returns the global count alone"
            );
            assert!(
                sum <= total,
                "{} count(s) counted twice: read {read} + held locally {pending} = {sum}, but \
                 only {total} increments were done — {why}",
                sum - total
            );
            assert!(
                sum >= total,
                "{} count(s) lost: read {read} + held locally {pending} = {sum}, but {total} \
                 increments were done — {why}",
                total - sum
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{self, assert_finished};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::time::Duration;

            /// What a stall (no thread progressing for seconds) means here.
            const STALL: &str = "an increment and a read each hold a lock the other waits for: \
                                 take the locks in one order everywhere (this thread's local \
                                 count, then the global one), and let `read` take only the \
                                 global lock";

            /// What a read and the local counts should be after `i` increments of thread 0
            /// with threshold 4, and what the learner's counter holds instead.
            fn check_step(counter: &ApproximateCounter, i: u64) {
                let (read, pending) = (counter.read(), counter.pending());
                let (global, local) = (i / 4 * 4, i % 4);
                if (read, pending) == (global, local) {
                    return;
                }
                let seen = format!(
                    "after {i} increment(s) with threshold 4 the read is {read} and {pending} \
                     is held locally (expected {global} and {local})"
                );
                assert!(
                    !(read == i && pending == local && local > 0),
                    "{seen}: the read counts what is still held locally — `read` returns the \
                     global count alone (adding the local counts makes it exact, but takes \
                     every thread's lock)"
                );
                assert!(
                    read + pending <= i,
                    "{seen}: counts moved to the global count more than once — a local count \
                     was not reset after it moved to the global count"
                );
                assert!(
                    read + pending >= i,
                    "{seen}: count(s) lost — every increment adds one to this thread's local \
                     count, which moves whole into the global count"
                );
                assert!(
                    pending >= local,
                    "{seen}: a count reached the global count before the local count reached \
                     the threshold — an increment bumps this thread's local count, and moves \
                     it only when it reaches the threshold"
                );
                panic!("{seen}");
            }

            #[test]
            fn the_read_moves_in_steps_of_the_threshold() {
                testing::watched("the test", Duration::from_secs(30), || {
                    let counter = ApproximateCounter::new(2, 4);
                    assert_eq!(counter.error_bound(), 6);
                    for i in 1..=11 {
                        counter.increment(0);
                        // Thread 0's count reaches the global one at 4, 8, ...
                        check_step(&counter, i);
                    }
                    counter.increment(1);
                    assert_eq!(counter.read(), 8, "thread 1 holds its 1 locally");
                    assert_eq!(counter.pending(), 3 + 1);
                    counter.flush();
                    assert_eq!(counter.read(), 12, "the flush makes the read exact");
                    let every = ApproximateCounter::new(3, 1);
                    every.increment(2);
                    assert_eq!(
                        every.read(),
                        1,
                        "threshold 1: every increment is global at once"
                    );
                });
            }

            /// Counts a thread out when it ends, returning or panicking.
            struct Leaving(Arc<AtomicU64>);

            impl Drop for Leaving {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }

            /// `threads` threads increment a counter with `locals` local counts (threads share
            /// them when there are fewer) and threshold `threshold`, 40 rounds of 500 each, all
            /// starting each round together; meanwhile a reader checks every read against the
            /// increments done, until every thread has ended. `why` is what a wrong count means.
            /// All under a watchdog: threads that stop progressing fail it in seconds.
            fn under_load(threads: usize, locals: usize, threshold: u64, why: &str) {
                const ROUNDS: u64 = 40;
                const EACH: u64 = 500;
                let counter = Arc::new(ApproximateCounter::new(locals, threshold));
                let done = Arc::new(AtomicU64::new(0));
                let ended = Arc::new(AtomicU64::new(0));
                let total = threads as u64 * ROUNDS * EACH;
                let start = Arc::new(std::sync::Barrier::new(threads));
                let mut workers: Vec<_> = (0..threads)
                    .map(|me| {
                        let (counter, done) = (Arc::clone(&counter), Arc::clone(&done));
                        let (start, ended) = (Arc::clone(&start), Arc::clone(&ended));
                        worker(format!("thread {me}"), move |ctx: &WorkerCtx| {
                            let _leaving = Leaving(ended);
                            for _ in 0..ROUNDS {
                                start.wait();
                                for _ in 0..EACH {
                                    count(&counter, &done, me, 1);
                                    ctx.progress();
                                }
                            }
                        })
                    })
                    .collect();
                let (reader_counter, reader_done) = (Arc::clone(&counter), Arc::clone(&done));
                let bound = counter.error_bound();
                let why_reader = why.to_string();
                workers.push(worker("reader", move |ctx: &WorkerCtx| {
                    let mut last = 0;
                    while ended.load(Ordering::SeqCst) < threads as u64 {
                        let before = reader_done.load(Ordering::SeqCst);
                        let read = reader_counter.read();
                        let after = reader_done.load(Ordering::SeqCst);
                        assert!(
                            read <= after,
                            "a read ({read}) ran ahead of the {after} increments done: some \
                             count reached the global count twice — {why_reader}"
                        );
                        // Up to `threads` increments are counted in `done` but not begun.
                        assert!(
                            before.saturating_sub(read) <= bound + threads as u64,
                            "a read ({read}) missed more than threads × (S − 1) = {bound} of \
                             the {before} increments done — move a local count into the \
                             global one as soon as it reaches the threshold"
                        );
                        assert!(
                            read >= last,
                            "a read went backwards: {last} then {read} — the global count \
                             only grows"
                        );
                        last = read;
                        ctx.progress();
                    }
                }));
                let report = Watchdog::new(Duration::from_secs(60))
                    .stall_after(Duration::from_secs(3))
                    .run(workers);
                assert_finished(&report, STALL);
                let read = counter.read();
                assert!(
                    read <= total && total - read <= bound,
                    "once every thread is done the read ({read}) misses {} of {total}, more \
                     than threads × (S − 1) = {bound} — {why}",
                    total.saturating_sub(read)
                );
                assert_nothing_lost_or_doubled(&counter, total, why);
                counter.flush();
                assert_eq!(counter.read(), total, "the flush makes the read exact");
            }

            #[test]
            fn no_count_is_lost_and_reads_stay_within_the_bound() {
                under_load(4, 4, 64, "reset the local count when it moves, under its lock");
            }

            /// Four threads on two local counts, moved at every increment (threshold 1), so
            /// that an increment and its reset are as far apart as they can be. Ten runs: the
            /// two threads of a pair must meet in that window, and on a busy machine one run may
            /// not overlap them enough.
            #[test]
            fn threads_sharing_a_local_count_lose_nothing() {
                for _ in 0..10 {
                    under_load(4, 2, 1, SHARED);
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            /// Two threads on `locals` local counts, threshold 2, three increments each, while
            /// the test reads twice.
            fn two_threads(locals: usize, why: &'static str) {
                model_check(move || {
                    let counter = Arc::new(ApproximateCounter::new(locals, 2));
                    let done = Arc::new(AtomicU64::new(0));
                    let threads: Vec<_> = (0..2)
                        .map(|me| {
                            let (counter, done) = (Arc::clone(&counter), Arc::clone(&done));
                            spawn_named(format!("thread {me}"), move || {
                                count(&counter, &done, me, 3)
                            })
                        })
                        .collect();
                    let first = counter.read();
                    let second = counter.read();
                    assert!(first <= second, "a read went backwards: {first} then {second}");
                    let after = done.load(Ordering::SeqCst);
                    assert!(
                        second <= after,
                        "a read ({second}) ran ahead of the {after} increments done — {why}"
                    );
                    for t in threads {
                        t.join().expect("no thread panicked");
                    }
                    let read = counter.read();
                    assert!(
                        6 - read <= counter.error_bound(),
                        "read {read} of 6, more than threads × (S − 1) short — {why}"
                    );
                    assert_nothing_lost_or_doubled(&counter, 6, why);
                    counter.flush();
                    assert_eq!(counter.read(), 6, "the flush makes the read exact");
                });
            }

            #[test]
            fn no_schedule_loses_a_count_or_reads_ahead() {
                two_threads(2, "reset the local count when it moves, under its lock");
            }

            #[test]
            fn no_schedule_of_two_threads_on_one_local_count_loses_a_count() {
                two_threads(1, SHARED);
            }
        }
    };
}

/// The learner's counter (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_16::approximate_counter);
}

#[cfg(mutants)]
mod e1_unlocked_move {
    suite!(chapter_16::mutants::e1_unlocked_move);
}

#[cfg(mutants)]
mod e1_no_reset {
    suite!(chapter_16::mutants::e1_no_reset);
}

#[cfg(mutants)]
mod e1_every_increment_global {
    suite!(chapter_16::mutants::e1_every_increment_global);
}

#[cfg(mutants)]
mod e1_exact_read {
    suite!(chapter_16::mutants::e1_exact_read);
}
