//! Grading suite of exercise 20.1 (the bounded buffer's `put`, `take` and `close`), run by
//! `cargo xtask exercise check 20.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_bounded_buffer.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails. Two passes: real threads under a watchdog (a lost
//! wake-up fails in seconds, and the buffer's state at the stall says whose), and, with
//! `--cfg shuttle`, the model checker across many schedules.
//!
//! What is checked, as the task states it: FIFO order; `put` gives the item back after `close`;
//! `take` drains, then returns `None`, and never before `close`; the buffer never holds more than
//! its capacity; producers and consumers (1:1, 2:2 with capacity 1, 3:2, 1:6) deliver every item
//! exactly once and nobody hangs, at close either.

/// The tests, against the bounded buffer module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::BoundedBuffer;
        use common::sync::atomic::{AtomicBool, Ordering};
        use common::sync::spawn_named;

        /// The buffer and the test's own record of whether it closed it, shared with the
        /// threads of a pipeline and kept by the test to explain a stall.
        struct Shared {
            buffer: BoundedBuffer<u64>,
            closed: AtomicBool,
        }

        /// `producers` producers put `per_producer` distinct values each; `consumers` consumers
        /// take until `take` returns `None`, which it may only do after `close`. Returns every
        /// value taken, sorted, to compare with every value put.
        fn pipeline(shared: &Arc<Shared>, producers: u64, consumers: usize, per_producer: u64) -> Vec<u64> {
            let putters: Vec<_> = (0..producers)
                .map(|p| {
                    let shared = Arc::clone(shared);
                    spawn_named(format!("producer {p}"), move || {
                        for i in 0..per_producer {
                            let value = p * 1_000 + i;
                            assert_eq!(shared.buffer.put(value), Ok(()), "put failed before close");
                        }
                    })
                })
                .collect();
            let takers: Vec<_> = (0..consumers)
                .map(|c| {
                    let shared = Arc::clone(shared);
                    spawn_named(format!("consumer {c}"), move || {
                        let mut got = Vec::new();
                        loop {
                            let (len, capacity) = (shared.buffer.len(), shared.buffer.capacity());
                            assert!(
                                len <= capacity,
                                "the buffer held {len} items, more than its capacity {capacity}: \
                                 `put` must wait while the buffer is full, in a `while` loop"
                            );
                            let Some(value) = shared.buffer.take() else { break };
                            got.push(value);
                        }
                        assert!(
                            shared.closed.load(Ordering::SeqCst),
                            "take returned None before the buffer was closed (an `if` where a \
                             `while` belongs?)"
                        );
                        got
                    })
                })
                .collect();
            for p in putters {
                p.join().expect("a producer panicked");
            }
            shared.closed.store(true, Ordering::SeqCst);
            shared.buffer.close();
            let mut all: Vec<u64> = takers
                .into_iter()
                .flat_map(|t| t.join().expect("a consumer panicked"))
                .collect();
            all.sort_unstable();
            assert!(shared.buffer.is_empty(), "items left in the buffer after close");
            all
        }

        fn new_shared(capacity: usize) -> Arc<Shared> {
            Arc::new(Shared {
                buffer: BoundedBuffer::new(capacity),
                closed: AtomicBool::new(false),
            })
        }

        fn expected(producers: u64, per_producer: u64) -> Vec<u64> {
            let mut v: Vec<u64> = (0..producers)
                .flat_map(|p| (0..per_producer).map(move |i| p * 1_000 + i))
                .collect();
            v.sort_unstable();
            v
        }

        fn fifo_and_close() {
            let buffer = BoundedBuffer::new(3);
            assert_eq!(buffer.capacity(), 3);
            for v in [1, 2, 3] {
                assert_eq!(buffer.put(v), Ok(()));
            }
            assert_eq!(buffer.len(), 3);
            assert_eq!(buffer.take(), Some(1), "first in, first out");
            buffer.close();
            assert_eq!(buffer.put(9), Err(9), "a closed buffer gives the item back");
            assert_eq!(buffer.take(), Some(2), "close keeps what is queued");
            assert_eq!(buffer.take(), Some(3));
            assert_eq!(buffer.take(), None, "closed and drained");
            assert_eq!(buffer.take(), None);
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{assert_finished, watched_with_hint};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::time::Duration;

            #[test]
            fn fifo_and_close_on_one_thread() {
                watched_with_hint(
                    "grader",
                    Duration::from_secs(10),
                    "a put or take on one thread never returned, with room and items enough",
                    fifo_and_close,
                );
            }

            /// Whose wake-up went missing, from the buffer a stalled pipeline left behind.
            fn why_stalled(shared: &Shared) -> String {
                let (len, capacity) = (shared.buffer.len(), shared.buffer.capacity());
                if shared.closed.load(Ordering::SeqCst) {
                    format!(
                        "close must wake every waiter (`notify_all` on both condition \
                         variables): consumers still sleep after close, {len} items queued"
                    )
                } else if len >= capacity {
                    format!(
                        "does `put` wake a consumer? The buffer is full ({len} of {capacity}) \
                         and the consumers sleep on `not_empty` while items are queued"
                    )
                } else {
                    format!(
                        "does `take` wake a producer on `not_full`? A producer still waits with \
                         room in the buffer ({len} of {capacity})"
                    )
                }
            }

            /// Runs a pipeline under the watchdog and checks every value arrived exactly once.
            fn watched(producers: u64, consumers: usize, capacity: usize, per_producer: u64) {
                let shared = new_shared(capacity);
                let report = {
                    let shared = Arc::clone(&shared);
                    Watchdog::new(Duration::from_secs(30))
                        .stall_after(Duration::from_secs(3))
                        .run(vec![worker("pipeline", move |ctx: &WorkerCtx| {
                            let all = pipeline(&shared, producers, consumers, per_producer);
                            ctx.progress();
                            all
                        })])
                };
                // Shown only if the pipeline stalled.
                let hint = format!(
                    "{} ({producers}:{consumers}, capacity {capacity})",
                    why_stalled(&shared)
                );
                assert_finished(&report, &hint);
                let all = report.results()[0].expect("finished").clone();
                assert_eq!(
                    all,
                    expected(producers, per_producer),
                    "{producers}:{consumers}, capacity {capacity}: lost or duplicated items"
                );
            }

            #[test]
            fn one_producer_one_consumer() {
                watched(1, 1, 4, 2_000);
            }

            #[test]
            fn two_producers_two_consumers_capacity_one() {
                watched(2, 2, 1, 2_000);
            }

            #[test]
            fn three_producers_two_consumers() {
                watched(3, 2, 2, 2_000);
            }

            #[test]
            fn close_wakes_every_waiting_consumer() {
                watched(1, 6, 1, 10);
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, model_check_bounded};

            fn run(producers: u64, consumers: usize, capacity: usize, per_producer: u64) {
                let shared = new_shared(capacity);
                assert_eq!(
                    pipeline(&shared, producers, consumers, per_producer),
                    expected(producers, per_producer),
                    "{producers}:{consumers}, capacity {capacity}: lost or duplicated items"
                );
            }

            /// One thread at a time: the random scheduler, since PCT refuses a test with no
            /// choice of thread to make.
            #[test]
            fn fifo_and_close_on_one_thread() {
                model_check_bounded(
                    || spawn_named("grader", fifo_and_close).join().expect("the checks passed"),
                    1_000,
                );
            }

            #[test]
            fn no_schedule_loses_or_duplicates_one_to_one() {
                model_check(|| run(1, 1, 1, 3));
            }

            #[test]
            fn no_schedule_overfills_the_buffer() {
                model_check(|| run(1, 1, 1, 4));
            }

            #[test]
            fn no_schedule_loses_duplicates_or_deadlocks_two_to_two_capacity_one() {
                model_check(|| run(2, 2, 1, 2));
            }

            #[test]
            fn no_schedule_strands_a_waiting_consumer_at_close() {
                model_check(|| run(1, 3, 1, 1));
            }
        }
    };
}

/// The learner's buffer (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_20::buffer);
}

#[cfg(mutants)]
mod e1_if_not_while {
    suite!(chapter_20::mutants::e1_if_not_while);
}

#[cfg(mutants)]
mod e1_put_wakes_nobody {
    suite!(chapter_20::mutants::e1_put_wakes_nobody);
}

#[cfg(mutants)]
mod e1_take_wakes_nobody {
    suite!(chapter_20::mutants::e1_take_wakes_nobody);
}

#[cfg(mutants)]
mod e1_close_wakes_one {
    suite!(chapter_20::mutants::e1_close_wakes_one);
}

#[cfg(mutants)]
mod e1_put_after_close {
    suite!(chapter_20::mutants::e1_put_after_close);
}

#[cfg(mutants)]
mod e1_never_waits_when_full {
    suite!(chapter_20::mutants::e1_never_waits_when_full);
}
