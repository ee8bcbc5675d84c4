//! Grading suite of exercise 1.1 (split the prime check across N scoped threads), run by
//! `cargo xtask exercise check 1.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_split.rs`. Two passes: real threads under a watchdog (a hang
//! or a panic fails fast with a clear message), and, with `--features shuttle`, the model
//! checker across many schedules (threads finishing in any order must not change the answer).

use chapter_1::primes::primes_sequential;
use chapter_1::split::primes_split;

/// Checks `primes_split` against the sequential check for `numbers` and `threads`.
fn check(numbers: &[u64], threads: usize) {
    assert_eq!(
        primes_split(numbers, threads),
        primes_sequential(numbers),
        "primes_split({} numbers, {threads} threads) must give the primes in input order",
        numbers.len()
    );
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use chapter_1::primes::{BOOK_START, numbers};
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    /// Runs `body` on a watched thread: a hang or a `todo!()` fails with a clear message.
    fn watched(name: &str, body: impl FnOnce(&WorkerCtx) + Send + 'static) {
        let report = Watchdog::new(Duration::from_secs(30))
            .stall_after(Duration::from_secs(20))
            .run(vec![worker(name, body)]);
        assert_finished(&report, "");
    }

    #[test]
    fn every_thread_count_gives_the_sequential_answer() {
        watched("split checker", |ctx| {
            let small: Vec<u64> = (0..100).collect();
            for threads in 1..=9 {
                check(&small, threads);
                ctx.progress();
            }
        });
    }

    #[test]
    fn a_remainder_and_more_threads_than_numbers() {
        watched("edge cases", |ctx| {
            check(&(0..10).collect::<Vec<u64>>(), 3); // 10 = 3 + 3 + 3 + 1
            check(&(0..10).collect::<Vec<u64>>(), 4);
            check(&[2, 3, 4], 8);
            check(&[], 3);
            ctx.progress();
        });
    }

    #[test]
    fn the_books_numbers() {
        watched("book numbers", |ctx| {
            check(&numbers(BOOK_START, 60), 3);
            ctx.progress();
        });
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_changes_the_answer() {
        model_check(|| check(&(0..13).collect::<Vec<u64>>(), 3));
    }
}
