//! Grading suite of exercise 3.1 (`run_all`: start all, then join all), run by `cargo xtask
//! exercise check 3.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_join_all.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a `run_all` that
//! joins each thread before starting the next deadlocks on jobs that wait for each other, and
//! the watchdog says so fast), and, with `--cfg shuttle`, the model checker.
//!
//! What is checked: jobs that wait for each other all finish (they run at once); results come
//! back in the jobs' order even when the jobs finish in the opposite order (each job waits for
//! the next one to finish); each thread carries its job's name; a panic comes back as
//! `Err(its message)`, whatever the payload type, and the other jobs still answer.

/// The tests, against the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::{Job, Joined, run_all};
        use common::sync::{Condvar, Mutex, lock, thread};

        /// A counter threads can wait on, from `common::sync` parts (so it is shuttle's under the
        /// model checker).
        struct Counter {
            count: Mutex<usize>,
            changed: Condvar,
        }

        impl Counter {
            fn new() -> Arc<Self> {
                Arc::new(Self {
                    count: Mutex::new(0),
                    changed: Condvar::new(),
                })
            }

            fn add_one(&self) {
                *lock(&self.count) += 1;
                self.changed.notify_all();
            }

            fn wait_for(&self, at_least: usize) {
                let mut count = lock(&self.count);
                while *count < at_least {
                    count = self
                        .changed
                        .wait(count)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            }
        }

        /// `n` jobs that each wait at one gate for all the others, then return their index and
        /// the name of the thread they ran on. They can only finish if all run at once.
        fn waiting_jobs(n: usize) -> Vec<Job<(usize, Option<String>)>> {
            let arrived = Counter::new();
            (0..n)
                .map(|i| {
                    let arrived = Arc::clone(&arrived);
                    Job::new(format!("job {i}"), move || {
                        arrived.add_one();
                        arrived.wait_for(n);
                        (i, thread::current().name().map(String::from))
                    })
                })
                .collect()
        }

        /// `n` jobs that finish last to first: job `i` waits until jobs `i + 1 ..` have finished.
        fn last_to_first_jobs(n: usize) -> Vec<Job<(usize, Option<String>)>> {
            let finished = Counter::new();
            (0..n)
                .map(|i| {
                    let finished = Arc::clone(&finished);
                    Job::new(format!("job {i}"), move || {
                        finished.wait_for(n - 1 - i);
                        let name = thread::current().name().map(String::from);
                        finished.add_one();
                        (i, name)
                    })
                })
                .collect()
        }

        /// Job `i`'s result is `i`, from a thread named "job `i`".
        fn check_results(results: &[Joined<(usize, Option<String>)>], n: usize, how: &str) {
            assert_eq!(results.len(), n, "one result per job ({how})");
            for (i, result) in results.iter().enumerate() {
                let (index, name) = result.as_ref().expect("no job panicked");
                assert_eq!(
                    *index, i,
                    "result {i} is job {index}'s ({how}): give the results in the jobs' order, \
                     not the order they finished"
                );
                assert_eq!(
                    name.as_deref(),
                    Some(format!("job {i}").as_str()),
                    "job {i} ran on a thread named {name:?}: start each thread named after its \
                     job (`spawn_named`)"
                );
            }
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::assert_finished;
            use common::watchdog::{Watchdog, WorkerCtx, WorkerResult, worker};
            use std::time::Duration;

            /// Runs `body` on a watched thread named "run_all": a hang fails within seconds
            /// with the watchdog's report and `hint`.
            fn watched<R: Send + 'static>(hint: &str, body: impl FnOnce() -> R + Send + 'static) -> R {
                let mut report = Watchdog::new(Duration::from_secs(10))
                    .stall_after(Duration::from_secs(3))
                    .run(vec![worker("run_all", move |_: &WorkerCtx| body())]);
                assert_finished(&report, hint);
                match report.threads.remove(0).result {
                    WorkerResult::Finished(value) => value,
                    _ => unreachable!("assert_finished saw it finish"),
                }
            }

            const START_ALL: &str =
                "do you join a thread before starting the next? Start them all first.";

            #[test]
            fn jobs_that_wait_for_each_other_all_finish() {
                let results = watched(START_ALL, || run_all(waiting_jobs(3)));
                check_results(&results, 3, "3 jobs waiting for each other");
            }

            #[test]
            fn results_in_the_jobs_order_when_they_finish_last_to_first() {
                let results = watched(START_ALL, || run_all(last_to_first_jobs(4)));
                check_results(&results, 4, "4 jobs finishing last to first");
            }

            #[test]
            fn a_panic_comes_back_as_err_and_the_others_still_answer() {
                let results = watched(START_ALL, || {
                    run_all(vec![
                        Job::new("fine", || 1),
                        Job::new("doomed", || -> i32 { panic!("job 2 gave up") }),
                        Job::new("also fine", || 3),
                        Job::new("formatted", || -> i32 { panic!("job {} gave up", 4) }),
                    ])
                });
                assert_eq!(results.len(), 4, "one result per job");
                assert_eq!(results[0], Ok(1), "a job that returns gives Ok(its value)");
                assert_eq!(results[2], Ok(3), "a job that returns gives Ok(its value)");
                for (i, message) in [(1, "job 2 gave up"), (3, "job 4 gave up")] {
                    assert_eq!(
                        results[i],
                        Err(message.to_string()),
                        "a panicking job gives Err(the panic's message), for `panic!(\"literal\")` \
                         and `panic!(\"{{}}\", ..)` alike: the payload is a `Box<dyn Any>` \
                         holding a `&str` or a `String`"
                    );
                }
                assert!(run_all(Vec::<Job<()>>::new()).is_empty(), "no jobs give no results");
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_strands_a_waiting_job() {
                model_check(|| {
                    check_results(&run_all(waiting_jobs(3)), 3, "3 jobs waiting for each other")
                });
            }

            #[test]
            fn no_schedule_reorders_the_results() {
                model_check(|| {
                    let results = run_all(last_to_first_jobs(3));
                    check_results(&results, 3, "3 jobs finishing last to first");
                });
            }
        }
    };
}

/// The learner's `run_all` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_3::join_all);
}

#[cfg(mutants)]
mod e1_join_in_loop {
    suite!(chapter_3::mutants::e1_join_in_loop);
}

#[cfg(mutants)]
mod e1_completion_order {
    suite!(chapter_3::mutants::e1_completion_order);
}

#[cfg(mutants)]
mod e1_debug_payload {
    suite!(chapter_3::mutants::e1_debug_payload);
}

#[cfg(mutants)]
mod e1_unnamed_threads {
    suite!(chapter_3::mutants::e1_unnamed_threads);
}
