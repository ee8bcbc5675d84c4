//! Grading suite of exercise 21.1 (debounce), run by `cargo xtask exercise check 21.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_debounce.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Every test runs on tokio's paused clock, so the times are exact (they are the subject here,
//! virtual and deterministic, not a measurement), under a (virtual) time limit, so a debouncer
//! that never ends fails at once instead of hanging the grader. Each output is first checked
//! item by item against the rule (nothing emitted before the stream has been quiet after it,
//! nothing after the input's end, the held item flushed at the end), so a failure says which
//! rule was broken, then compared with the exact expected timeline.

use std::time::Duration;

const QUIET: Duration = Duration::from_millis(40);

/// Checks a debounced output against the rule, then against `expected`. Readings arrive at
/// `ticks` ms with values 1, 2, 3, …; the input closes at `close` ms; `out` is `(ms, value)` as
/// emitted and `ended` when the output ended.
fn check(ticks: &[u32], close: u32, out: &[(u128, i64)], ended: u128, expected: &[(u128, i64)]) {
    let quiet = QUIET.as_millis();
    let close = u128::from(close);
    let arrived = |v: i64| -> u128 { u128::from(ticks[usize::try_from(v - 1).expect("v >= 1")]) };
    if ended > close {
        panic!(
            "the output ended at {ended} ms, after the input had ended at {close} ms: when the \
             input ends, the held item comes out at once, and the output ends with it (got \
             {out:?}, expected {expected:?})"
        );
    }
    for &(t, v) in out {
        let a = arrived(v);
        if t == a {
            panic!(
                "emitted item {v} the moment it arrived ({t} ms): an item comes out only once the \
                 stream has been quiet for {quiet} ms after it, and a burst becomes its last item \
                 (got {out:?}, expected {expected:?})"
            );
        }
        if t < a + quiet && t < close {
            panic!(
                "emitted item {v} at {t} ms, {} ms after it arrived, before the stream had been \
                 quiet for {quiet} ms: every newer item must restart the quiet timer (got \
                 {out:?}, expected {expected:?})",
                t - a
            );
        }
    }
    if let Some(&(at, v)) = expected.last()
        && at == close
        && !out.contains(&(at, v))
    {
        panic!(
            "the held item {v} was lost when the input ended at {close} ms: it comes out at \
             once when the input ends (got {out:?}, expected {expected:?})"
        );
    }
    assert_eq!(out, expected, "(ms out, value) of the debounced stream");
    assert_eq!(ended, close, "the output ends with the input");
}

/// The tests, against the `debounce` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::time::Duration;

        use $($module)::+::debounce;
        use chapter_21::timeline::{Schedule, collect_timed, spawn_sensor};
        use tokio::time::Instant;

        use super::{QUIET, check};

        /// Debounces readings at `ticks` ms (values 1, 2, 3, …), the input closing at `close`
        /// ms, and checks the output against `expected` `(ms out, value)`.
        async fn debounced(ticks: &[u32], close: u32, expected: &[(u128, i64)]) {
            let readings: Vec<(u32, i64)> = ticks.iter().zip(1..).map(|(&t, v)| (t, v)).collect();
            let schedule = Schedule::from_ticks(Duration::from_millis(1), &readings, close);
            let start = Instant::now();
            let (input, _) = spawn_sensor(schedule, start);
            let out = tokio::time::timeout(
                Duration::from_secs(60),
                collect_timed(debounce(input, QUIET), start),
            )
            .await
            .expect("the debounced stream never ended (60 s of virtual time)");
            let out: Vec<(u128, i64)> = out
                .iter()
                .map(|e| (e.at.as_millis(), e.value.value))
                .collect();
            check(ticks, close, &out, start.elapsed().as_millis(), expected);
        }

        #[tokio::test(start_paused = true)]
        async fn a_burst_becomes_its_last_item_a_quiet_period_later() {
            // Only 4, 40 ms after it arrived at 30 ms.
            debounced(&[0, 10, 20, 30], 200, &[(70, 4)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn every_new_item_restarts_the_timer() {
            // Gaps of 30 ms, shorter than the quiet period: the timer never runs out until the
            // last item; a timer that is not restarted would run out at 40 ms.
            debounced(&[0, 30, 60, 90], 300, &[(130, 4)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn items_further_apart_than_the_quiet_period_all_come_out() {
            debounced(&[0, 50, 100], 300, &[(40, 1), (90, 2), (140, 3)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn the_held_item_comes_out_when_the_input_ends() {
            // Flushed at the end (25 ms), not 40 ms after it arrived.
            debounced(&[0, 10], 25, &[(25, 2)]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn an_empty_input_gives_nothing_and_ends_with_it() {
            debounced(&[], 30, &[]).await;
        }
    };
}

/// The learner's `debounce` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_21::debounce);
}

#[cfg(mutants)]
mod e1_drops_held_at_end {
    suite!(chapter_21::mutants::e1_drops_held_at_end);
}

#[cfg(mutants)]
mod e1_leading_edge {
    suite!(chapter_21::mutants::e1_leading_edge);
}

#[cfg(mutants)]
mod e1_timer_not_restarted {
    suite!(chapter_21::mutants::e1_timer_not_restarted);
}

#[cfg(mutants)]
mod e1_waits_after_end {
    suite!(chapter_21::mutants::e1_waits_after_end);
}
