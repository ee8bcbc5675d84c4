//! Grading suite of exercise 20.1 (the bounded buffer's `put`, `take` and `close`), run by
//! `cargo xtask exercise check 20.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_bounded_buffer.rs`. Two passes: real threads under a watchdog
//! (a lost wake-up fails fast with a clear message instead of hanging the grader), and, with
//! `--features shuttle`, the model checker across many schedules.

use std::sync::Arc;

use chapter_20::buffer::BoundedBuffer;
use common::sync::atomic::{AtomicBool, Ordering};
use common::sync::spawn_named;

/// `producers` producers put `per_producer` distinct values each; `consumers` consumers take
/// until `take` returns `None`, which it may only do after `close`. Returns every value taken,
/// sorted, to compare with every value put.
fn pipeline(producers: u64, consumers: usize, capacity: usize, per_producer: u64) -> Vec<u64> {
    let buffer = Arc::new(BoundedBuffer::new(capacity));
    let closed = Arc::new(AtomicBool::new(false));
    let putters: Vec<_> = (0..producers)
        .map(|p| {
            let buffer = Arc::clone(&buffer);
            spawn_named(format!("producer {p}"), move || {
                for i in 0..per_producer {
                    let value = p * 1_000 + i;
                    assert_eq!(buffer.put(value), Ok(()), "put failed before close");
                }
            })
        })
        .collect();
    let takers: Vec<_> = (0..consumers)
        .map(|c| {
            let (buffer, closed) = (Arc::clone(&buffer), Arc::clone(&closed));
            spawn_named(format!("consumer {c}"), move || {
                let mut got = Vec::new();
                while let Some(value) = buffer.take() {
                    got.push(value);
                }
                assert!(
                    closed.load(Ordering::SeqCst),
                    "take returned None before the buffer was closed (an `if` where a `while` belongs?)"
                );
                got
            })
        })
        .collect();
    for p in putters {
        p.join().expect("a producer panicked");
    }
    closed.store(true, Ordering::SeqCst);
    buffer.close();
    let mut all: Vec<u64> = takers
        .into_iter()
        .flat_map(|t| t.join().expect("a consumer panicked"))
        .collect();
    all.sort_unstable();
    assert!(buffer.is_empty(), "items left in the buffer after close");
    all
}

fn expected(producers: u64, per_producer: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..producers)
        .flat_map(|p| (0..per_producer).map(move |i| p * 1_000 + i))
        .collect();
    v.sort_unstable();
    v
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn fifo_and_close_on_one_thread() {
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

    /// Runs a pipeline under the watchdog and checks every value arrived exactly once.
    fn watched(producers: u64, consumers: usize, capacity: usize, per_producer: u64) {
        let report = Watchdog::new(Duration::from_secs(30))
            .stall_after(Duration::from_secs(3))
            .run(vec![worker("pipeline", move |ctx: &WorkerCtx| {
                let all = pipeline(producers, consumers, capacity, per_producer);
                ctx.progress();
                all
            })]);
        assert_finished(
            &report,
            &format!(
                "{producers}:{consumers}, capacity {capacity}: the pipeline never finished. A \
                 thread is waiting for a wake-up nobody sends (a missing notify, or notify_one \
                 where close must wake everyone?)"
            ),
        );
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

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_loses_or_duplicates_one_to_one() {
        model_check(|| assert_eq!(pipeline(1, 1, 1, 3), expected(1, 3)));
    }

    #[test]
    fn no_schedule_loses_duplicates_or_deadlocks_two_to_two_capacity_one() {
        model_check(|| assert_eq!(pipeline(2, 2, 1, 2), expected(2, 2)));
    }

    #[test]
    fn no_schedule_strands_a_waiting_consumer_at_close() {
        model_check(|| assert_eq!(pipeline(1, 3, 1, 1), expected(1, 1)));
    }
}
