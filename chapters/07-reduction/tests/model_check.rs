//! Model checking with shuttle: the book's queue rounds (`parallel_sum::queue_reduce`, whose queue
//! and threads come from `common::sync`) lose no value and terminate in every schedule explored;
//! with a non-associative operator (subtraction) the checker finds a schedule whose answer differs.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-7 --test model_check`. `SHUTTLE_ITERATIONS`
//! sets how many schedules each test explores; a failure prints the schedule to replay.

#![cfg(shuttle)]

use chapter_7::parallel_sum::{add, queue_reduce};
use common::sync::{model_check, model_check_bounded};

#[test]
fn queue_rounds_lose_no_value_and_terminate() {
    model_check_bounded(
        || {
            for (n, consumers) in [(2u64, 2), (5, 2), (7, 3)] {
                let (result, rounds) = queue_reduce((1..=n).collect(), consumers, add);
                assert_eq!(result, Some(n * (n + 1) / 2), "n={n} consumers={consumers}");
                for round in &rounds {
                    assert_eq!(
                        round.iter().sum::<u64>(),
                        n * (n + 1) / 2,
                        "a value was lost"
                    );
                }
            }
        },
        20_000,
    );
}

#[test]
#[should_panic(expected = "subtraction depends on the schedule")]
fn shuttle_finds_subtraction_schedule_dependent() {
    model_check(|| {
        let (one, _) = queue_reduce((1..=6).collect(), 1, u64::wrapping_sub);
        let (two, _) = queue_reduce((1..=6).collect(), 2, u64::wrapping_sub);
        assert_eq!(one, two, "subtraction depends on the schedule");
    });
}
