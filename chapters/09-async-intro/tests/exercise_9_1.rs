//! Grading suite of exercise 9.1 (`yield_now`), run by `cargo xtask exercise check 9.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_yield_now.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: polled by hand, the first poll is `Pending` and has
//! called the waker once, the second is `Ready`, and each `YieldNow` yields once on its own; on
//! the chapter's executor, tasks that yield take turns. Every executor run is watched and has a
//! short patience: a `yield_now` that never wakes its task fails with "executor stalled", one
//! that never completes is stopped after a bounded number of polls, and neither hangs the grader.
//! With `--cfg shuttle`, the model checker polls it with the executor's own task waker
//! while another thread wakes the task too.

/// The tests, against the `yield_now` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::future::Future;
        use std::sync::Arc;
        use std::task::{Context, Poll, Waker};

        use $($module)::+::yield_now;

        /// What the first poll of a fresh `yield_now` must do, said when it does not.
        #[cfg(not(shuttle))]
        fn first_poll_must_yield(poll: Poll<()>, wakes: u64) {
            assert!(
                poll.is_pending(),
                "the first poll returned Ready: yield_now must give the executor back control \
                 once, so its first poll returns Pending (and the second Ready)"
            );
            assert!(
                wakes != 0,
                "the first poll returned Pending without calling the waker: nobody else holds \
                 this task's waker, so no executor ever polls it again — wake the task before \
                 returning Pending"
            );
            assert_eq!(
                wakes, 1,
                "the first poll called the waker {wakes} times: once puts the task back on the \
                 run queue"
            );
        }

        /// What the second poll must do, said when it does not.
        fn second_poll_must_complete(poll: Poll<()>) {
            assert!(
                poll.is_ready(),
                "the second poll returned Pending again: yield_now never became Ready — after \
                 its one Pending, the next poll completes (remember in the future that it has \
                 yielded)"
            );
        }

        #[cfg(not(shuttle))]
        mod polled_by_hand {
            use super::*;
            use std::sync::atomic::{AtomicU64, Ordering};
            use std::task::Wake;

            struct CountingWaker(AtomicU64);

            impl Wake for CountingWaker {
                fn wake(self: Arc<Self>) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }

            fn counting_waker() -> (Arc<CountingWaker>, Waker) {
                let counter = Arc::new(CountingWaker(AtomicU64::new(0)));
                let waker = Waker::from(Arc::clone(&counter));
                (counter, waker)
            }

            #[test]
            fn first_poll_is_pending_and_wakes_second_is_ready() {
                let (counter, waker) = counting_waker();
                let mut cx = Context::from_waker(&waker);
                let mut future = std::pin::pin!(yield_now());
                let first = future.as_mut().poll(&mut cx);
                first_poll_must_yield(first, counter.0.load(Ordering::SeqCst));
                second_poll_must_complete(future.as_mut().poll(&mut cx));
            }

            /// Two yields alive at once, polled in turn: each must yield once by itself, as
            /// two tasks' yields do on one executor thread.
            #[test]
            fn each_yield_now_yields_once_on_its_own() {
                let (counter, waker) = counting_waker();
                let mut cx = Context::from_waker(&waker);
                let mut a = std::pin::pin!(yield_now());
                let mut b = std::pin::pin!(yield_now());
                let first = a.as_mut().poll(&mut cx);
                first_poll_must_yield(first, counter.0.load(Ordering::SeqCst));
                assert!(
                    b.as_mut().poll(&mut cx).is_pending(),
                    "a second yield_now completed on its first poll because another one had just \
                     yielded: each yield_now must remember for itself whether it has yielded \
                     (in the future's own field, not in state shared by every yield_now)"
                );
                second_poll_must_complete(a.as_mut().poll(&mut cx));
                second_poll_must_complete(b.as_mut().poll(&mut cx));
            }
        }

        #[cfg(not(shuttle))]
        mod on_the_executor {
            use super::*;
            use std::cell::RefCell;
            use std::pin::Pin;
            use std::rc::Rc;
            use std::time::Duration;

            use chapter_9::executor::{Clock, Executor};
            use common::testing;

            /// More polls than any one `yield_now` needs (two); a spinning one reaches it in
            /// microseconds.
            const MAX_POLLS: u32 = 1_000;

            /// `yield_now()`, stopped with a message if it is polled `MAX_POLLS` times without
            /// completing: a yield that wakes itself forever would spin the executor for good.
            struct Bounded<F> {
                inner: Pin<Box<F>>,
                polls: u32,
            }

            impl<F: Future> Future for Bounded<F> {
                type Output = F::Output;

                fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
                    self.polls += 1;
                    assert!(
                        self.polls <= MAX_POLLS,
                        "a yield_now was polled {MAX_POLLS} times and never became Ready: its task \
                         spins on the executor forever — after its one Pending, the next poll \
                         completes"
                    );
                    self.inner.as_mut().poll(cx)
                }
            }

            fn bounded_yield() -> impl Future<Output = ()> {
                Bounded {
                    inner: Box::pin(yield_now()),
                    polls: 0,
                }
            }

            #[test]
            fn tasks_that_yield_take_turns() {
                let stalled = "a yield_now that returns Pending must call its waker, or the \
                               executor never polls the task again";
                let log = testing::watched_with_hint(
                    "executor",
                    Duration::from_secs(10),
                    stalled,
                    || {
                        let executor =
                            Executor::new(Clock::Virtual).with_patience(Duration::from_millis(200));
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
                                                bounded_yield().await;
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
                    },
                );
                assert_eq!(
                    log,
                    ["A1", "B1", "A2", "B2", "A3", "B3"],
                    "tasks that yield did not take turns: each yield_now must send its task to \
                     the back of the run queue once (Pending after a wake), then complete"
                );
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use chapter_9::executor::{RunQueue, TaskWaker};
            use common::sync::atomic::{AtomicBool, Ordering};
            use common::sync::{model_check_bounded, spawn_named};

            /// A timer thread wakes the task while the executor polls `yield_now`: whatever the
            /// interleaving, the task must be back on the run queue after its Pending poll. The
            /// random scheduler, not PCT: it often lets the timer's wake land before the poll,
            /// the one order where a yield that forgets to wake leaves the task unqueued.
            #[test]
            fn yielding_puts_the_task_back_on_the_run_queue() {
                model_check_bounded(|| {
                    let queue = Arc::new(RunQueue::new());
                    let task = TaskWaker::new(3, Arc::clone(&queue));
                    let timer_waker = Waker::from(Arc::clone(&task));
                    let timer_woke = Arc::new(AtomicBool::new(false));
                    let woke = Arc::clone(&timer_woke);
                    let timer = spawn_named("timer", move || {
                        timer_waker.wake();
                        woke.store(true, Ordering::SeqCst);
                    });
                    let waker = Waker::from(Arc::clone(&task));
                    let mut cx = Context::from_waker(&waker);
                    let mut future = std::pin::pin!(yield_now());
                    // A wake seen before the poll began queued the task for *this* poll: only
                    // yield_now's own wake can queue it for the next.
                    let woken_before_the_poll = timer_woke.load(Ordering::SeqCst);
                    task.begin_poll();
                    let first = future.as_mut().poll(&mut cx);
                    assert!(
                        first.is_pending(),
                        "the first poll returned Ready: yield_now must return Pending once"
                    );
                    timer.join().expect("the timer did not panic");
                    let entries = queue.len();
                    if woken_before_the_poll {
                        assert_eq!(
                            entries, 2,
                            "the first poll returned Pending without calling the waker: the \
                             timer's wake came before the poll, so nothing queued the task for \
                             another poll (found {entries} run-queue entries, want 2)"
                        );
                    } else {
                        // The timer's wake may have queued the task once more: a spare poll,
                        // never a lost one.
                        assert!(
                            (1..=2).contains(&entries),
                            "a yielded task must be back on the run queue (found {entries} \
                             entries)"
                        );
                    }
                    task.begin_poll();
                    second_poll_must_complete(future.as_mut().poll(&mut cx));
                }, 10_000);
            }
        }
    };
}

/// The learner's `yield_now` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_9::yield_now);
}

/// The chapter's `sync-vs-async` example, which yields with the graded `yield_now`.
#[cfg(not(shuttle))]
mod graded_in_the_examples {
    use std::time::Duration;

    #[test]
    fn the_cooperative_prime_check_answers_the_small_number_first() {
        let hint = "the cooperative prime check yields with your yield_now: one that never \
                    becomes Ready keeps the big number's task spinning";
        let order = common::testing::watched_with_hint(
            "prime check",
            Duration::from_secs(10),
            hint,
            || {
                // 1,000,000,007 is prime: about 15,800 divisors, a yield every 1,000 of them.
                let run = chapter_9::sync_vs_async::check_cooperative(&[1_000_000_007, 157], 1_000)
                    .unwrap_or_else(|stalled| panic!("{stalled}"));
                run.finishes
                    .iter()
                    .map(|f| (f.number, f.checked.prime))
                    .collect::<Vec<_>>()
            },
        );
        assert_eq!(
            order,
            [(157, true), (1_000_000_007, true)],
            "the small number must be answered first: the big number's task yields every 1,000 \
             divisors, which lets the small number's task run"
        );
    }
}

#[cfg(mutants)]
mod e1_never_ready {
    suite!(chapter_9::mutants::e1_never_ready);
}

#[cfg(mutants)]
mod e1_no_wake {
    suite!(chapter_9::mutants::e1_no_wake);
}

#[cfg(mutants)]
mod e1_ready_at_once {
    suite!(chapter_9::mutants::e1_ready_at_once);
}

#[cfg(mutants)]
mod e1_thread_local_flag {
    suite!(chapter_9::mutants::e1_thread_local_flag);
}
