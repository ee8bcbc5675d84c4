//! Grading suite of exercise 21.2 (sample), run by `cargo xtask exercise check 21.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_sample.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Every test runs on tokio's paused clock, so the times are exact (virtual and deterministic,
//! not a measurement), under a (virtual) time limit, so a sampler that never ends fails at once
//! instead of hanging the grader. Inputs arrive on odd milliseconds, so no item ties with a tick
//! (tokio's timer counts whole milliseconds). Each output is first checked against the rule
//! (when it ends, an item at every tick that had news, the freshest one, the held item at the
//! end), so a failure says which rule was broken, then compared with the exact timeline.

use std::time::Duration;

const PERIOD: Duration = Duration::from_millis(10);

/// Checks a sampled output against the rule, then against `expected`: the input closes at
/// `close` ms; `out` is `(ms, value)` as emitted and `ended` when the output ended.
fn check(close: u32, out: &[(u128, i64)], ended: u128, expected: &[(u128, i64)]) {
    let period = PERIOD.as_millis();
    let close = u128::from(close);
    let seen = format!("(got {out:?}, expected {expected:?})");
    if ended < close {
        panic!(
            "the output ended at {ended} ms, before the input did ({close} ms): a tick with \
             nothing new must emit nothing and go on {seen}"
        );
    }
    if ended > close || out.iter().any(|&(t, _)| t > close) {
        panic!(
            "the output went on after the input had ended at {close} ms (it ended at {ended} ms): \
             when the input ends, the held item comes out at once {seen}"
        );
    }
    for &(at, v) in expected.iter().filter(|&&(at, _)| at < close) {
        match out.iter().find(|&&(t, _)| t == at) {
            None => panic!(
                "no item came out at the {at} ms tick, though item {v} had arrived since the last \
                 one: the clock ticks every {period} ms whatever the input does {seen}"
            ),
            Some(&(_, u)) if u != v => panic!(
                "at the {at} ms tick it emitted item {u}, not the freshest item {v}: every new \
                 item replaces the one held {seen}"
            ),
            Some(_) => {}
        }
    }
    if let Some(&(at, v)) = expected.last()
        && at == close
        && !out.contains(&(at, v))
    {
        panic!(
            "the held item {v} was lost when the input ended at {close} ms: it comes out at \
             once when the input ends {seen}"
        );
    }
    assert_eq!(out, expected, "(ms out, value) of the sampled stream");
}

/// The tests, against the `sample` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::time::Duration;

        use $($module)::+::sample;
        use chapter_21::timeline::{Schedule, collect_timed, spawn_sensor};
        use tokio::time::Instant;

        use super::{PERIOD, check};

        /// Samples items at the given milliseconds (values given), the input closing at `close`
        /// ms, and checks the output against `expected` `(ms out, value)`.
        async fn sampled(items: &[(u32, i64)], close: u32, expected: &[(u128, i64)]) {
            let schedule = Schedule::from_ticks(Duration::from_millis(1), items, close);
            let start = Instant::now();
            let (input, _) = spawn_sensor(schedule, start);
            let out = tokio::time::timeout(
                Duration::from_secs(60),
                collect_timed(sample(input, PERIOD), start),
            )
            .await
            .expect("the sampled stream never ended (60 s of virtual time)");
            let out: Vec<(u128, i64)> = out
                .iter()
                .map(|e| (e.at.as_millis(), e.value.value))
                .collect();
            check(close, &out, start.elapsed().as_millis(), expected);
        }

        #[tokio::test(start_paused = true)]
        async fn a_fast_input_gives_the_latest_item_at_each_tick() {
            // Item k at 2k + 1 ms, for k in 0..25 (1, 3, …, 49 ms); the input closes at 51 ms.
            let items: Vec<(u32, i64)> = (0..25).map(|k| (2 * k + 1, i64::from(k))).collect();
            sampled(&items, 51, &[(10, 4), (20, 9), (30, 14), (40, 19), (50, 24)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn quiet_ticks_emit_nothing_and_nothing_comes_out_twice() {
            // Items at 1, 3 and 35 ms; the input closes at 65 ms.
            sampled(&[(1, 1), (3, 2), (35, 3)], 65, &[(10, 2), (40, 3)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn the_held_item_comes_out_when_the_input_ends() {
            // Items at 1 and 13 ms; the input closes at 14 ms, before the 20 ms tick.
            sampled(&[(1, 1), (13, 2)], 14, &[(10, 1), (14, 2)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn an_empty_input_gives_nothing_and_ends_with_it() {
            sampled(&[], 25, &[]).await;
        }
    };
}

/// The learner's `sample` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_21::sample);
}

#[cfg(mutants)]
mod e2_drops_held_at_end {
    suite!(chapter_21::mutants::e2_drops_held_at_end);
}

#[cfg(mutants)]
mod e2_keeps_the_first {
    suite!(chapter_21::mutants::e2_keeps_the_first);
}

#[cfg(mutants)]
mod e2_quiet_tick_ends {
    suite!(chapter_21::mutants::e2_quiet_tick_ends);
}

#[cfg(mutants)]
mod e2_sleep_restarted {
    suite!(chapter_21::mutants::e2_sleep_restarted);
}

#[cfg(mutants)]
mod e2_waits_for_a_tick_at_end {
    suite!(chapter_21::mutants::e2_waits_for_a_tick_at_end);
}
