//! Grading suite of exercise 9.2 (`timeout`), run by `cargo xtask exercise check 9.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_timeout.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Everything runs on the executor's virtual clock, so every time asserted is exact and no test
//! sleeps. Each run is watched, so a `timeout` that never wakes its task fails with "executor
//! stalled" instead of hanging, and every `timeout` is polled under a bound, so one that keeps
//! its own task busy fails in microseconds.

#![cfg(not(shuttle))]

/// The tests, against the `timeout` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::fmt::Debug;
        use std::future::{Future, pending, ready};
        use std::pin::Pin;
        use std::task::{Context, Poll};
        use std::time::Duration;

        use $($module)::+::{Elapsed, timeout};
        use chapter_9::executor::{Clock, Executor, Handle};
        use common::testing;

        fn ms(n: u64) -> Duration {
            Duration::from_millis(n)
        }

        /// Far more polls than a `timeout` needs here (a few, one per wake).
        const MAX_POLLS: u32 = 1_000;

        /// A `timeout` of `limit`, stopped with a message if it is polled `MAX_POLLS` times:
        /// one that wakes its own task spins while the virtual clock stands still, and one whose
        /// limit moves on is woken again and again while the clock runs past it.
        struct Bounded<F> {
            inner: Pin<Box<F>>,
            handle: Handle,
            limit: Duration,
            started: Duration,
            polls: u32,
        }

        impl<F: Future> Future for Bounded<F> {
            type Output = F::Output;

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
                self.polls += 1;
                if self.polls > MAX_POLLS {
                    let ran = self.handle.now() - self.started;
                    assert!(
                        ran > self.limit,
                        "timeout was polled {MAX_POLLS} times in {} ms of a {} ms limit: it wakes \
                         its own task, so the task is always ready and busy-polls (on the virtual \
                         clock, time never moves on) — leave the waking to the inner future and \
                         the timer, which both got this task's waker",
                        ran.as_millis(),
                        self.limit.as_millis()
                    );
                    panic!(
                        "timeout was still running {} ms after the call, with a {} ms limit: the \
                         limit keeps moving — create the timer once (in timeout), not again at \
                         every poll",
                        ran.as_millis(),
                        self.limit.as_millis()
                    );
                }
                self.inner.as_mut().poll(cx)
            }
        }

        /// `timeout(handle, limit, future)`, polled under the bound.
        fn bounded<F: Future>(
            handle: &Handle,
            limit: Duration,
            future: F,
        ) -> Bounded<$($module)::+::Timeout<F>> {
            Bounded {
                inner: Box::pin(timeout(handle, limit, future)),
                handle: handle.clone(),
                limit,
                started: handle.now(),
                polls: 0,
            }
        }

        /// Runs the async `test` on a fresh virtual-clock executor, under a watchdog. Returns its
        /// value and the virtual time at which it finished.
        fn on_virtual_clock<R: Send + 'static>(
            test: impl AsyncFnOnce(Handle) -> R + Send + 'static,
        ) -> (R, Duration) {
            testing::watched("executor", Duration::from_secs(10), move || {
                let executor = Executor::new(Clock::Virtual).with_patience(ms(200));
                let handle = executor.handle();
                executor
                    .block_on(async move {
                        let value = test(handle.clone()).await;
                        (value, handle.now())
                    })
                    .unwrap_or_else(|stalled| {
                        panic!(
                            "{stalled} — a Pending timeout must leave this task's waker with both \
                             the inner future and the timer, so the timer alone can wake it"
                        )
                    })
            })
        }

        fn show<T: Debug>(result: &Result<T, Elapsed>) -> String {
            match result {
                Ok(value) => format!("Ok({value:?})"),
                Err(elapsed) => format!("Elapsed after {} ms", elapsed.after.as_millis()),
            }
        }

        /// Fails with `case`, what came and when, what should have, and `why`.
        fn judge<T: Debug + PartialEq>(
            case: &str,
            (got, at): (Result<T, Elapsed>, Duration),
            want: Result<T, Elapsed>,
            want_at: Duration,
            why: &str,
        ) {
            assert!(
                got == want && at == want_at,
                "{case}: gave {} at {} ms, want {} at {} ms — {why}",
                show(&got),
                at.as_millis(),
                show(&want),
                want_at.as_millis()
            );
        }

        #[test]
        fn a_future_that_finishes_in_time_gives_ok_when_it_finishes() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, ms(50), h.sleep(ms(30))).await
            });
            judge(
                "a 30 ms sleep under a 50 ms limit",
                run,
                Ok(()),
                ms(30),
                "a future that completes within the limit gives Ok when it completes",
            );
        }

        #[test]
        fn a_future_that_is_too_slow_gives_elapsed_at_the_limit() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, ms(50), h.sleep(ms(80))).await
            });
            judge(
                "an 80 ms sleep under a 50 ms limit",
                run,
                Err(Elapsed { after: ms(50) }),
                ms(50),
                "the timer did not end the wait at the limit: poll the timer as well as the \
                 future, with the same waker, and count the limit from the call to timeout",
            );
        }

        #[test]
        fn a_future_that_never_finishes_gives_elapsed() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, ms(70), pending::<u8>()).await
            });
            judge(
                "a future that never completes under a 70 ms limit",
                run,
                Err(Elapsed { after: ms(70) }),
                ms(70),
                "the timer did not end the wait: the timer alone must wake the task",
            );
        }

        #[test]
        fn work_done_exactly_at_the_limit_is_in_time() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, ms(50), h.sleep(ms(50))).await
            });
            judge(
                "a 50 ms sleep under a 50 ms limit (both end at 50 ms)",
                run,
                Ok(()),
                ms(50),
                "work done by the limit was counted late: when both are ready in the same poll, \
                 the future's value wins — poll the future before the timer",
            );
        }

        #[test]
        fn a_ready_future_wins_even_a_zero_limit() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, Duration::ZERO, ready(7)).await
            });
            judge(
                "a future ready at once under a zero limit",
                run,
                Ok(7),
                Duration::ZERO,
                "work done by the limit was counted late: a future that is ready at its first \
                 poll is in time even under a zero limit — poll the future before the timer",
            );
        }

        #[test]
        fn a_zero_limit_times_out_what_is_not_ready_at_once() {
            let run = on_virtual_clock(async |h: Handle| {
                bounded(&h, Duration::ZERO, h.sleep(ms(30))).await
            });
            judge(
                "a 30 ms sleep under a zero limit",
                run,
                Err(Elapsed {
                    after: Duration::ZERO,
                }),
                Duration::ZERO,
                "a zero limit has passed at once: a future not ready at its first poll gives \
                 Elapsed then (zero is not \"no limit\")",
            );
        }

        /// A future that wakes its task every 10 ms: a timer started again at each poll would
        /// never fire.
        #[test]
        fn a_future_that_wakes_often_still_times_out_at_the_limit() {
            let run = on_virtual_clock(async |h: Handle| {
                let ticker = h.clone();
                let ticks = async move {
                    for _ in 0..10 {
                        ticker.sleep(ms(10)).await;
                    }
                };
                bounded(&h, ms(45), ticks).await
            });
            judge(
                "ten 10 ms sleeps in a row under a 45 ms limit",
                run,
                Err(Elapsed { after: ms(45) }),
                ms(45),
                "the limit counts from the call to timeout, however often the task is woken: \
                 create the timer once (in timeout), not again at every poll",
            );
        }

        #[test]
        fn a_spawned_task_woken_by_its_own_timer_is_awaited_in_time() {
            let run = on_virtual_clock(async |h: Handle| {
                let sleeper = h.clone();
                let task = h.spawn(async move {
                    sleeper.sleep(ms(40)).await;
                    "done"
                });
                bounded(&h, ms(100), task).await
            });
            judge(
                "a spawned task that ends at 40 ms under a 100 ms limit",
                run,
                Ok("done"),
                ms(40),
                "a future woken by another task completes in time: poll the inner future again \
                 whenever the task is woken",
            );
        }
    };
}

/// The learner's `timeout` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_9::timeout);
}

#[cfg(mutants)]
mod e2_future_only {
    suite!(chapter_9::mutants::e2_future_only);
}

#[cfg(mutants)]
mod e2_restarts_timer {
    suite!(chapter_9::mutants::e2_restarts_timer);
}

#[cfg(mutants)]
mod e2_timer_first {
    suite!(chapter_9::mutants::e2_timer_first);
}

#[cfg(mutants)]
mod e2_wakes_itself {
    suite!(chapter_9::mutants::e2_wakes_itself);
}

#[cfg(mutants)]
mod e2_zero_is_no_limit {
    suite!(chapter_9::mutants::e2_zero_is_no_limit);
}
