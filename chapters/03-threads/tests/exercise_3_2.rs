//! Grading suite of exercise 3.2 (the priority queue's `push`, `pop` and `close`), run by `cargo
//! xtask exercise check 3.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_priority_queue.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails. Two passes: real threads, and, with `--cfg
//! shuttle`, the model checker across many schedules.
//!
//! A worker asleep in `pop` when `close` comes is the case that matters, and on real threads a
//! pause before `close` does not make one: under load the workers may not have reached `pop`
//! yet, find the flag set, and stop without being woken. So the test *observes* them asleep
//! first: each worker reports its kernel thread id, and the test reads the thread's state and
//! CPU time from `/proc/self/task/<tid>/stat` until every worker is asleep in the kernel with
//! its CPU time standing still (the public API has no count of waiters to read instead). Only
//! then does it close the queue. The same observation tells a worker that blocks from one that
//! spins. Under shuttle the same cases are explored over many schedules, those where the
//! workers wait before `close` among them.
//!
//! Every worker checks, each time `pop` gives `None`, that the queue is closed and drained.

/// The tests, against the priority-queue module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::PriorityQueue;
        use chapter_3::priority_workers::{Task, each_once, non_increasing};
        use common::sync::{spawn_named, thread};
        use common::watchdog::panic_message;

        /// Pops until `None`, handing each task to `handle`, and returns what it took. At the
        /// `None` it checks that the queue is closed and drained: the only time a worker may stop.
        fn work_through(queue: &PriorityQueue<Task>, handle: &mut dyn FnMut(Task)) -> Vec<Task> {
            let mut taken = Vec::new();
            while let Some(task) = queue.pop() {
                handle(task);
                taken.push(task);
            }
            assert!(
                queue.is_closed(),
                "pop returned None while the queue was still open: a worker woken for an item \
                 another worker took must check again and go back to sleep"
            );
            let left = queue.len();
            assert_eq!(
                left, 0,
                "pop returned None with {left} items still queued: a closed queue is drained \
                 first, then pop gives None"
            );
            taken
        }

        /// Joins `handle`, failing with the thread's own panic message if it panicked.
        fn join<T>(handle: thread::JoinHandle<T>) -> T {
            handle
                .join()
                .unwrap_or_else(|payload| panic!("{}", panic_message(payload.as_ref())))
        }

        /// `producers` threads push `per_producer` tasks each while `workers` threads pop; then
        /// the queue is closed. Returns what each worker took.
        fn produce_and_drain(producers: u64, per_producer: u64, workers: usize) -> Vec<Vec<Task>> {
            let queue = Arc::new(PriorityQueue::new());
            let worker_threads: Vec<_> = (0..workers)
                .map(|w| {
                    let queue = Arc::clone(&queue);
                    spawn_named(format!("worker {w}"), move || work_through(&queue, &mut |_| {}))
                })
                .collect();
            let producer_threads: Vec<_> = (0..producers)
                .map(|p| {
                    let queue = Arc::clone(&queue);
                    spawn_named(format!("producer {p}"), move || {
                        for i in 0..per_producer {
                            let id = p * per_producer + i;
                            let task = Task {
                                priority: (id % 7) as u8,
                                id,
                            };
                            assert!(queue.push(task).is_ok(), "push before close must succeed");
                        }
                    })
                })
                .collect();
            for p in producer_threads {
                join(p);
            }
            queue.close();
            worker_threads.into_iter().map(join).collect()
        }

        /// Fills the queue, then starts `workers` workers and closes at once.
        fn prefilled(priorities: &[u8], workers: usize) -> Vec<Vec<Task>> {
            let queue = Arc::new(PriorityQueue::new());
            for (id, &priority) in priorities.iter().enumerate() {
                let task = Task {
                    priority,
                    id: id as u64,
                };
                assert!(queue.push(task).is_ok(), "push before close must succeed");
            }
            let threads: Vec<_> = (0..workers)
                .map(|w| {
                    let queue = Arc::clone(&queue);
                    spawn_named(format!("worker {w}"), move || {
                        work_through(&queue, &mut |_| thread::yield_now())
                    })
                })
                .collect();
            queue.close();
            threads.into_iter().map(join).collect()
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{kernel_thread_id, thread_state, watched, watched_with_hint};
            use std::sync::mpsc;
            use std::time::Duration;

            /// Samples 10 ms apart before a thread counts as asleep, and at most before giving up.
            const STILL_FOR: u32 = 5;
            const SAMPLES: u32 = 300;

            /// `count` workers, each reporting its kernel thread id and then calling `pop` once.
            fn workers_in_pop(
                queue: &Arc<PriorityQueue<Task>>,
                count: usize,
            ) -> Vec<(u32, thread::JoinHandle<Option<Task>>)> {
                let (tx, rx) = mpsc::channel();
                let handles: Vec<_> = (0..count)
                    .map(|w| {
                        let (queue, tx) = (Arc::clone(queue), tx.clone());
                        spawn_named(format!("worker {w}"), move || {
                            tx.send((w, kernel_thread_id().expect("Linux has /proc/thread-self"))).expect("the test listens");
                            queue.pop()
                        })
                    })
                    .collect();
                let mut tids = vec![0; count];
                for _ in 0..count {
                    let (w, tid) = rx.recv().expect("every worker reports its id");
                    tids[w] = tid;
                }
                tids.into_iter().zip(handles).collect()
            }

            /// Waits until every worker is asleep in the kernel with its CPU time standing
            /// still for `STILL_FOR` samples in a row: blocked in `pop`, not spinning, not about
            /// to run. Fails, naming the worker, if one returns or never falls asleep.
            fn until_asleep(workers: &[(u32, thread::JoinHandle<Option<Task>>)]) {
                let mut still = vec![0; workers.len()];
                let mut last = vec![None; workers.len()];
                for _ in 0..SAMPLES {
                    for (w, (tid, handle)) in workers.iter().enumerate() {
                        let now = thread_state(*tid);
                        assert!(
                            now.is_some() && !handle.is_finished(),
                            "worker {w}: pop() on an empty, open queue returned instead of \
                             waiting for an item or for close()"
                        );
                        let asleep = matches!(now, Some(('S', _)));
                        let cpu = now.map(|(_, cpu)| cpu);
                        still[w] = if asleep && cpu == last[w] { still[w] + 1 } else { 0 };
                        last[w] = cpu;
                    }
                    if still.iter().all(|&n| n >= STILL_FOR) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                let w = still.iter().position(|&n| n < STILL_FOR).unwrap_or(0);
                let (state, cpu) = thread_state(workers[w].0).unwrap_or(('?', Duration::ZERO));
                panic!(
                    "worker {w} never fell asleep in pop() on an empty, open queue (state {state}, \
                     {} ms of CPU used and growing): it spins instead of blocking — sleep on the \
                     condition variable while there is nothing to pop",
                    cpu.as_millis()
                );
            }

            /// Waits (a safety net of about 3 s) for the workers to return; the results, or how
            /// many are still asleep.
            fn returned(
                workers: Vec<(u32, thread::JoinHandle<Option<Task>>)>,
            ) -> Result<Vec<Option<Task>>, usize> {
                for _ in 0..SAMPLES {
                    if workers.iter().all(|(_, handle)| handle.is_finished()) {
                        return Ok(workers.into_iter().map(|(_, handle)| join(handle)).collect());
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(workers.iter().filter(|(_, handle)| !handle.is_finished()).count())
            }

            #[test]
            fn one_worker_gets_the_greatest_first_and_close_refuses_more() {
                let queue = PriorityQueue::new();
                for n in [3, 9, 1, 7] {
                    assert!(queue.push(n).is_ok(), "push before close must succeed");
                }
                assert_eq!(queue.len(), 4);
                assert!(!queue.is_closed());
                queue.close();
                assert!(queue.is_closed());
                assert_eq!(queue.push(5), Err(5), "push after close gives the item back");
                let order: Vec<i32> = std::iter::from_fn(|| queue.pop()).collect();
                assert_eq!(
                    order,
                    [9, 7, 3, 1],
                    "after close, the items still queued come out greatest first: a closed queue \
                     is drained first, then pop gives None"
                );
                assert!(queue.is_empty());
                assert_eq!(queue.pop(), None, "closed and drained: None at once");
            }

            #[test]
            fn producers_and_workers_lose_nothing_and_all_stop_at_close() {
                let per_worker = watched_with_hint("grader",
                    Duration::from_secs(10),
                    "is a worker asleep in pop() after close()? close must wake every waiter",
                    || produce_and_drain(3, 400, 4),
                );
                assert!(each_once(&per_worker, 1_200), "lost or duplicated a task");
            }

            /// One worker asleep on an empty queue (observed so), then one push: it must wake
            /// and take the item.
            #[test]
            fn a_worker_on_an_empty_queue_sleeps_until_an_item_comes() {
                let taken = watched("the test", Duration::from_secs(10), || {
                    let queue = Arc::new(PriorityQueue::new());
                    let workers = workers_in_pop(&queue, 1);
                    until_asleep(&workers);
                    assert!(queue.push(Task { priority: 4, id: 0 }).is_ok());
                    returned(workers).unwrap_or_else(|_| {
                        panic!(
                            "a worker asleep in pop() was never woken by push(): a push must \
                             wake a waiting worker"
                        )
                    })
                });
                assert_eq!(taken, [Some(Task { priority: 4, id: 0 })]);
            }

            /// Four workers asleep in `pop` (observed so, not assumed after a pause), then
            /// `close`: every one must wake and return `None`.
            #[test]
            fn workers_asleep_in_pop_all_wake_at_close() {
                let taken = watched("the test", Duration::from_secs(10), || {
                        let queue = Arc::new(PriorityQueue::<Task>::new());
                        let workers = workers_in_pop(&queue, 4);
                        until_asleep(&workers);
                        queue.close();
                        returned(workers).unwrap_or_else(|asleep| {
                            panic!(
                                "{asleep} of 4 workers still asleep in pop() after close(): \
                                 close must wake every waiter, not one or none (each must see \
                                 the flag and return None)"
                            )
                        })
                });
                assert_eq!(taken, [None, None, None, None]);
            }

            #[test]
            fn each_worker_sees_non_increasing_priorities() {
                let priorities: Vec<u8> = (0..300u32).map(|i| (i * 7 % 10) as u8).collect();
                let per_worker = watched("grader", Duration::from_secs(10), move || {
                    prefilled(&priorities, 4)
                });
                for taken in &per_worker {
                    assert!(non_increasing(taken), "priorities went up for one worker: {taken:?}");
                }
                assert!(each_once(&per_worker, 300), "lost or duplicated a task");
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_loses_a_task_or_strands_a_worker() {
                model_check(|| {
                    let per_worker = produce_and_drain(2, 2, 2);
                    assert!(each_once(&per_worker, 4), "lost or duplicated a task: {per_worker:?}");
                });
            }

            #[test]
            fn no_schedule_leaves_a_worker_asleep_after_close() {
                model_check(|| {
                    let queue = Arc::new(PriorityQueue::<Task>::new());
                    let workers: Vec<_> = (0..2)
                        .map(|w| {
                            let queue = Arc::clone(&queue);
                            spawn_named(format!("worker {w}"), move || queue.pop())
                        })
                        .collect();
                    queue.close();
                    for w in workers {
                        assert_eq!(join(w), None, "a closed, empty queue pops None");
                    }
                });
            }

            #[test]
            fn no_schedule_breaks_a_workers_priority_order() {
                model_check(|| {
                    let per_worker = prefilled(&[2, 8, 5, 1], 2);
                    for taken in &per_worker {
                        assert!(non_increasing(taken), "priorities went up: {taken:?}");
                    }
                    assert!(each_once(&per_worker, 4), "lost or duplicated a task");
                });
            }
        }
    };
}

/// The learner's priority queue (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_3::priority_queue);
}

#[cfg(mutants)]
mod e2_no_notify_all {
    suite!(chapter_3::mutants::e2_no_notify_all);
}

#[cfg(mutants)]
mod e2_notify_one_at_close {
    suite!(chapter_3::mutants::e2_notify_one_at_close);
}

#[cfg(mutants)]
mod e2_if_not_while {
    suite!(chapter_3::mutants::e2_if_not_while);
}

#[cfg(mutants)]
mod e2_busy_wait {
    suite!(chapter_3::mutants::e2_busy_wait);
}

#[cfg(mutants)]
mod e2_stops_before_drained {
    suite!(chapter_3::mutants::e2_stops_before_drained);
}
