//! Grading suite of exercise 3.1 (`run_all`: start all, then join all), run by `cargo xtask
//! exercise check 3.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_join_all.rs`. Two passes: real threads under a watchdog (a
//! `run_all` that joins each thread before starting the next deadlocks on the barrier test, and
//! the watchdog says so fast), and, with `--features shuttle`, the model checker.

use std::sync::Arc;

use chapter_3::join_all::{Job, run_all};
use common::sync::{Condvar, Mutex, lock, thread};

/// A one-shot barrier from `common::sync` parts (so it is shuttle's under the model checker):
/// nobody passes until `n` have arrived.
struct Gate {
    arrived: Mutex<usize>,
    all_here: Condvar,
    n: usize,
}

impl Gate {
    fn new(n: usize) -> Arc<Self> {
        Arc::new(Self {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            n,
        })
    }

    fn wait(&self) {
        let mut arrived = lock(&self.arrived);
        *arrived += 1;
        self.all_here.notify_all();
        while *arrived < self.n {
            arrived = self
                .all_here
                .wait(arrived)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// `n` jobs that each wait at one gate for all the others, then return their index and the
/// name of the thread they ran on. They can only finish if all run at once.
fn waiting_jobs(n: usize) -> Vec<Job<(usize, Option<String>)>> {
    let gate = Gate::new(n);
    (0..n)
        .map(|i| {
            let gate = Arc::clone(&gate);
            Job::new(format!("job {i}"), move || {
                gate.wait();
                (i, thread::current().name().map(String::from))
            })
        })
        .collect()
}

fn check_waiting_results(results: &[Result<(usize, Option<String>), String>]) {
    assert_eq!(results.len(), 3, "one result per job");
    for (i, result) in results.iter().enumerate() {
        let (index, name) = result.as_ref().expect("no job panicked");
        assert_eq!(*index, i, "results must come back in the jobs' order");
        assert_eq!(
            name.as_deref(),
            Some(format!("job {i}").as_str()),
            "thread named after its job"
        );
    }
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn jobs_that_wait_for_each_other_all_finish() {
        let report = Watchdog::new(Duration::from_secs(10))
            .stall_after(Duration::from_secs(3))
            .run(vec![worker("run_all", |_: &WorkerCtx| {
                run_all(waiting_jobs(3))
            })]);
        assert_finished(
            &report,
            "do you join a thread before starting the next? Start them all first.",
        );
        let results = report.results();
        check_waiting_results(results[0].expect("finished"));
    }

    #[test]
    fn a_panic_comes_back_as_err_and_the_others_still_answer() {
        let jobs = vec![
            Job::new("fine", || 1),
            Job::new("doomed", || -> i32 { panic!("job 2 gave up") }),
            Job::new("also fine", || 3),
        ];
        let results = run_all(jobs);
        assert_eq!(results[0], Ok(1));
        assert_eq!(results[1], Err("job 2 gave up".to_string()));
        assert_eq!(results[2], Ok(3));
        assert!(run_all(Vec::<Job<()>>::new()).is_empty());
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_strands_a_waiting_job() {
        model_check(|| check_waiting_results(&run_all(waiting_jobs(3))));
    }
}
