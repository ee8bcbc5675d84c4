//! Grading suite of exercise 13.2 (aging), run by `cargo xtask exercise check 13.2`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e2_aging.rs`. The pick on small queues; the scheduler driven step by step with
//! high-priority work always queued; real producer and worker threads under a watchdog; and,
//! with `--features shuttle`, the same bound in every schedule the model checker explores.

use std::time::Instant;

use chapter_13::aging::pick_with_aging;
use chapter_13::priority_scheduling::{Job, Policy, aging_bound};

fn job(seq: u64, priority: u32, submitted_tick: u64) -> Job {
    Job {
        producer: seq as usize,
        priority,
        seq,
        submitted_tick,
        submitted_at: Instant::now(),
    }
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use chapter_13::priority_scheduling::{BACKLOG, PRODUCERS, measure, simulate};
    use std::time::Duration;

    #[test]
    fn the_pick_weighs_priority_against_age() {
        assert_eq!(pick_with_aging(&[], 0, 4), None);
        // Fresh jobs: the highest priority wins.
        let queue = [job(0, 0, 10), job(1, 2, 10), job(2, 1, 10)];
        assert_eq!(pick_with_aging(&queue, 10, 4), Some(1));
        // A priority-0 job that waited 8 dispatches (2 levels at every = 4) ties a fresh
        // priority-2 job, and the older one wins the tie.
        let queue = [job(5, 2, 8), job(3, 0, 0)];
        assert_eq!(pick_with_aging(&queue, 8, 4), Some(1));
        // 7 dispatches are only 1 level: the fresh high job still wins.
        let queue = [job(5, 2, 7), job(3, 0, 0)];
        assert_eq!(pick_with_aging(&queue, 7, 4), Some(0));
        // Equal standing, equal age: the lower seq goes first.
        let queue = [job(9, 1, 0), job(4, 1, 0)];
        assert_eq!(pick_with_aging(&queue, 0, 4), Some(1));
    }

    #[test]
    fn step_by_step_every_producer_runs_within_the_bound() {
        let priorities = [2, 1, 0];
        let every = 4;
        let tallies = simulate(Policy::Aging { every }, &priorities, 2, 600);
        for (tally, priority) in tallies.iter().zip(priorities) {
            let bound = aging_bound(priority, 2, every, 6);
            assert!(
                tally.accesses > 0,
                "priority {priority} never ran in 600 dispatches: still strict priority?"
            );
            assert!(
                tally.most_overtaken <= bound,
                "a priority-{priority} job was overtaken by {} jobs (bound {bound})",
                tally.most_overtaken
            );
        }
    }

    #[test]
    fn on_real_threads_the_low_producer_runs_within_the_bound() {
        let every = 4;
        let (tallies, ending) = measure(
            Policy::Aging { every },
            Duration::from_millis(400),
            Duration::from_micros(20),
        );
        assert_eq!(
            ending,
            common::watchdog::Ending::DeadlineReached,
            "the producers and the worker stopped making progress"
        );
        for (tally, (name, priority)) in tallies.iter().zip(PRODUCERS) {
            let bound = aging_bound(priority, 2, every, PRODUCERS.len() * BACKLOG);
            assert!(tally.accesses > 0, "{name} never ran");
            assert!(
                tally.most_overtaken <= bound,
                "{name}: overtaken by {} jobs (bound {bound})",
                tally.most_overtaken
            );
        }
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use chapter_13::priority_scheduling::Scheduler;
    use common::sync::{model_check, spawn_named};
    use std::sync::Arc;

    #[test]
    fn in_every_schedule_the_low_job_runs_within_the_bound() {
        model_check(|| {
            let scheduler = Arc::new(Scheduler::new(Policy::Aging { every: 1 }, 2, 2));
            let high = {
                let s = Arc::clone(&scheduler);
                spawn_named("high", move || {
                    for _ in 0..12 {
                        s.submit(0, 2).expect("open");
                    }
                    s.producer_done();
                })
            };
            let low = {
                let s = Arc::clone(&scheduler);
                spawn_named("low", move || {
                    s.submit(1, 0).expect("open");
                    s.producer_done();
                })
            };
            let mut low_overtaken = None;
            while let Some(d) = scheduler.next() {
                if d.job.producer == 1 {
                    low_overtaken = Some(d.waited_ticks);
                }
            }
            high.join().expect("high did not panic");
            low.join().expect("low did not panic");
            let overtaken = low_overtaken.expect("the low job ran");
            let bound = aging_bound(0, 2, 1, 4);
            assert!(
                overtaken <= bound,
                "low-priority job overtaken by {overtaken} jobs (bound {bound})"
            );
        });
    }

    #[test]
    fn the_pick_is_aging_not_strict() {
        // A plain check, run under the shuttle build too: an old low job beats a fresh high one.
        let queue = [job(5, 2, 8), job(3, 0, 0)];
        assert_eq!(pick_with_aging(&queue, 8, 4), Some(1));
    }
}
