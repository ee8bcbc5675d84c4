//! Grading suite of exercise 9.2 (`timeout`), run by `cargo xtask exercise check 9.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_timeout.rs`. Everything runs on the executor's virtual clock,
//! so every time asserted is exact and no test sleeps; each run is watched, so a `timeout` that
//! never wakes its task fails with "executor stalled" instead of hanging.

#![cfg(not(feature = "shuttle"))]

use std::future::{pending, ready};
use std::time::Duration;

use chapter_9::executor::{Clock, Executor, Handle};
use chapter_9::timeout::{Elapsed, timeout};
use common::testing;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs the async `test` on a fresh virtual-clock executor, under a watchdog. Returns its value
/// and the virtual time at which it finished.
fn on_virtual_clock<R: Send + 'static>(
    test: impl AsyncFnOnce(Handle) -> R + Send + 'static,
) -> (R, Duration) {
    testing::watched("executor", Duration::from_secs(20), move || {
        let executor = Executor::new(Clock::Virtual).with_patience(ms(200));
        let handle = executor.handle();
        executor
            .block_on(async move {
                let value = test(handle.clone()).await;
                (value, handle.now())
            })
            .unwrap_or_else(|stalled| panic!("{stalled}"))
    })
}

#[test]
fn a_future_that_finishes_in_time_gives_ok_when_it_finishes() {
    let (result, at) =
        on_virtual_clock(async |h: Handle| timeout(&h, ms(50), h.sleep(ms(30))).await);
    assert_eq!(result, Ok(()));
    assert_eq!(at, ms(30));
}

#[test]
fn a_future_that_is_too_slow_gives_elapsed_at_the_limit() {
    let (result, at) =
        on_virtual_clock(async |h: Handle| timeout(&h, ms(50), h.sleep(ms(80))).await);
    assert_eq!(result, Err(Elapsed { after: ms(50) }));
    assert_eq!(at, ms(50));
}

#[test]
fn a_future_that_never_finishes_gives_elapsed() {
    let (result, at) =
        on_virtual_clock(async |h: Handle| timeout(&h, ms(70), pending::<u8>()).await);
    assert_eq!(result, Err(Elapsed { after: ms(70) }));
    assert_eq!(at, ms(70));
}

#[test]
fn a_ready_future_wins_even_a_zero_limit() {
    let (result, at) =
        on_virtual_clock(async |h: Handle| timeout(&h, Duration::ZERO, ready(7)).await);
    assert_eq!(result, Ok(7));
    assert_eq!(at, Duration::ZERO);
}

#[test]
fn a_spawned_task_woken_by_its_own_timer_is_awaited_in_time() {
    let (result, at) = on_virtual_clock(async |h: Handle| {
        let sleeper = h.clone();
        let task = h.spawn(async move {
            sleeper.sleep(ms(40)).await;
            "done"
        });
        timeout(&h, ms(100), task).await
    });
    assert_eq!(result, Ok("done"));
    assert_eq!(at, ms(40));
}
