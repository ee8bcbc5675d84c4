//! Grading suite of exercise 9.1 (`yield_now`), run by `cargo xtask exercise check 9.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_yield_now.rs`. Every executor run happens under a watchdog and
//! with a short patience: a `yield_now` that never wakes its task fails with "executor stalled",
//! one that never completes fails with the watchdog's report, and neither hangs the grader.
//! With `--features shuttle`, the model checker polls it with the executor's own task waker.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use chapter_9::yield_now::yield_now;

struct CountingWaker(AtomicU64);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn first_poll_is_pending_and_wakes_second_is_ready() {
    let counter = Arc::new(CountingWaker(AtomicU64::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(yield_now());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending, "first poll");
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        1,
        "the first poll must call the waker exactly once, or no executor will poll again"
    );
    assert_eq!(
        future.as_mut().poll(&mut cx),
        Poll::Ready(()),
        "second poll"
    );
}

#[cfg(not(feature = "shuttle"))]
mod on_the_executor {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use chapter_9::executor::{Clock, Executor};
    use chapter_9::yield_now::yield_now;
    use common::testing;

    /// Runs `body` on a watched thread: its value, or a failure that says why.
    fn watched<R: Send + 'static>(name: &str, body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched(name, Duration::from_secs(20), body)
    }

    #[test]
    fn tasks_that_yield_take_turns() {
        let log = watched("executor", || {
            let executor = Executor::new(Clock::Virtual).with_patience(Duration::from_millis(200));
            let handle = executor.handle();
            let log = Rc::new(RefCell::new(Vec::new()));
            let task_log = Rc::clone(&log);
            executor
                .block_on(async move {
                    let tasks: Vec<_> = ["A", "B"]
                        .into_iter()
                        .map(|name| {
                            let log = Rc::clone(&task_log);
                            handle.spawn(async move {
                                for step in 1..=3 {
                                    log.borrow_mut().push(format!("{name}{step}"));
                                    yield_now().await;
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await;
                    }
                })
                .unwrap_or_else(|stalled| panic!("{stalled}"));
            log.take()
        });
        assert_eq!(log, ["A1", "B1", "A2", "B2", "A3", "B3"]);
    }

    #[test]
    fn the_cooperative_prime_check_answers_the_small_number_first() {
        let order = watched("prime check", || {
            // 1,000,000,007 is prime: about 15,800 divisors, a yield every 500 of them.
            let run = chapter_9::sync_vs_async::check_cooperative(&[1_000_000_007, 157], 1_000)
                .unwrap_or_else(|stalled| panic!("{stalled}"));
            run.finishes
                .iter()
                .map(|f| (f.number, f.checked.prime))
                .collect::<Vec<_>>()
        });
        assert_eq!(order, [(157, true), (1_000_000_007, true)]);
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use chapter_9::executor::{RunQueue, TaskWaker};
    use common::sync::{model_check, spawn_named};

    /// A timer thread wakes the task while the executor polls `yield_now`: whatever the
    /// interleaving, the task must be back on the run queue after its Pending poll.
    #[test]
    fn yielding_puts_the_task_back_on_the_run_queue() {
        model_check(|| {
            let queue = Arc::new(RunQueue::new());
            let task = TaskWaker::new(3, Arc::clone(&queue));
            let timer_waker = Waker::from(Arc::clone(&task));
            let timer = spawn_named("timer", move || timer_waker.wake());
            let waker = Waker::from(Arc::clone(&task));
            let mut cx = Context::from_waker(&waker);
            let mut future = std::pin::pin!(yield_now());
            task.begin_poll();
            assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending, "first poll");
            timer.join().expect("the timer did not panic");
            // The timer's wake may have queued the task once more: a spare poll, never a lost one.
            assert!(
                (1..=2).contains(&queue.len()),
                "a yielded task must be back on the run queue (found {} entries)",
                queue.len()
            );
            task.begin_poll();
            assert_eq!(
                future.as_mut().poll(&mut cx),
                Poll::Ready(()),
                "second poll"
            );
        });
    }
}
