//! Grading suite of exercise 13.2 (aging), run by `cargo xtask exercise check 13.2`.
//!
//! The suite is written once, in `suite!`, and run against each `pick_with_aging` in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_aging.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: the pick on small queues, one rule at a time (ties,
//! age, one level per `every` dispatches) and against the rule on many random queues; and a queue
//! driven step by step with the pick under test, high-priority work always queued, where after
//! *every* dispatch no job still waiting may have been overtaken by more than `aging_bound`
//! jobs. The pick is a plain function, so these run in both passes. `graded_in_the_scheduler`
//! then runs the chapter's own scheduler (which calls the graded pick): step by step, with real
//! producer and worker threads under a watchdog, and, with `--cfg shuttle`, in every
//! schedule the model checker explores.

use std::time::Instant;

use chapter_13::priority_scheduling::Job;

/// A job of `priority`, submitted at dispatch count `submitted_tick`, `seq`-th overall.
fn job(seq: u64, priority: u32, submitted_tick: u64) -> Job {
    Job {
        producer: seq as usize,
        priority,
        seq,
        submitted_tick,
        submitted_at: Instant::now(),
    }
}

/// The tests, against the `pick_with_aging` of the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::pick_with_aging;
        use crate::job;
        use chapter_13::priority_scheduling::{Job, aging_bound};

        /// `pick_with_aging`, with the index checked against the queue.
        fn pick(queue: &[Job], now: u64, every: u64) -> Option<usize> {
            let picked = pick_with_aging(queue, now, every);
            if let Some(i) = picked {
                assert!(i < queue.len(), "picked index {i} of a queue of {}", queue.len());
            }
            picked
        }

        #[test]
        fn an_empty_queue_has_no_pick() {
            assert_eq!(pick(&[], 0, 4), None, "an empty queue has nothing to run");
        }

        #[test]
        fn fresh_jobs_go_by_priority() {
            let queue = [job(0, 0, 10), job(1, 2, 10), job(2, 1, 10)];
            assert_eq!(
                pick(&queue, 10, 4),
                Some(1),
                "jobs that have not waited: the highest priority goes first"
            );
        }

        #[test]
        fn among_equals_the_oldest_goes_first() {
            let tie = "equal effective priority: the oldest job (lowest seq) goes first, \
                       wherever it stands in the queue";
            assert_eq!(pick(&[job(9, 1, 0), job(4, 1, 0)], 0, 4), Some(1), "{tie}");
            assert_eq!(pick(&[job(4, 1, 0), job(9, 1, 0)], 0, 4), Some(0), "{tie}");
            assert_eq!(
                pick(&[job(7, 1, 0), job(2, 1, 0), job(5, 1, 0)], 0, 4),
                Some(1),
                "{tie}"
            );
            let caught_up = "a priority-0 job that waited 8 dispatches (2 levels at every = 4) \
                             ties a fresh priority-2 job, and the older one goes first";
            assert_eq!(pick(&[job(5, 2, 8), job(3, 0, 0)], 8, 4), Some(1), "{caught_up}");
            assert_eq!(pick(&[job(3, 0, 0), job(5, 2, 8)], 8, 4), Some(0), "{caught_up}");
        }

        #[test]
        fn waiting_raises_a_jobs_priority() {
            // 12 dispatches at every = 4 are 3 levels: 0 + 3 beats a fresh 2.
            assert_eq!(
                pick(&[job(5, 2, 12), job(3, 0, 0)], 12, 4),
                Some(1),
                "a priority-0 job that waited 12 dispatches (3 levels at every = 4) outranks a \
                 fresh priority-2 job: is the age left out, or counted from the wrong tick?"
            );
        }

        #[test]
        fn one_level_per_every_dispatches() {
            let level = "one level of age per `every` dispatches waited, not per dispatch";
            // 7 dispatches at every = 4 are 1 level: 0 + 1 < 2.
            assert_eq!(pick(&[job(5, 2, 7), job(3, 0, 0)], 7, 4), Some(0), "{level}");
            // 3 dispatches at every = 4 are no level at all: 1 + 0 < 2.
            assert_eq!(pick(&[job(5, 2, 3), job(3, 1, 0)], 3, 4), Some(0), "{level}");
            // At every = 1 each dispatch is a level: 0 + 3 > 2.
            assert_eq!(pick(&[job(5, 2, 3), job(3, 0, 0)], 3, 1), Some(1), "{level}");
        }

        /// Random queues, each pick checked against the rule itself.
        #[test]
        fn the_pick_follows_the_rule_on_random_queues() {
            let mut rng = common::rng::SplitMix64::new(132);
            for _ in 0..2_000 {
                let now = 20 + rng.below(40);
                let every = 1 + rng.below(5);
                let len = 1 + rng.below(6) as usize;
                // Distinct seqs in a shuffled order, as the scheduler's swap_remove leaves them.
                let mut seqs: Vec<u64> = (0..len as u64).map(|s| s * 3 + rng.below(3)).collect();
                for i in (1..len).rev() {
                    seqs.swap(i, rng.below(i as u64 + 1) as usize);
                }
                let queue: Vec<Job> = seqs
                    .iter()
                    .map(|&seq| job(seq, rng.below(4) as u32, now - rng.below(now + 1)))
                    .collect();
                let effective =
                    |j: &Job| u64::from(j.priority) + (now - j.submitted_tick) / every;
                let best = queue.iter().map(effective).max().expect("not empty");
                let oldest_best = queue
                    .iter()
                    .filter(|j| effective(j) == best)
                    .map(|j| j.seq)
                    .min()
                    .expect("not empty");
                let i = pick(&queue, now, every).expect("a queue of jobs has a pick");
                assert_eq!(
                    effective(&queue[i]),
                    best,
                    "picked a job of effective priority {} while one of {best} waits \
                     (effective = priority + (now - submitted_tick) / every; now = {now}, \
                     every = {every})",
                    effective(&queue[i])
                );
                assert_eq!(
                    queue[i].seq, oldest_best,
                    "equal effective priority: the oldest job (lowest seq) goes first, \
                     wherever it stands in the queue"
                );
            }
        }

        /// A queue driven step by step with this pick: before each dispatch every producer tops
        /// its backlog up; after each, no job still queued may have waited past the bound.
        #[test]
        fn step_by_step_no_waiting_job_is_overtaken_past_the_bound() {
            const PRIORITIES: [u32; 3] = [2, 1, 0];
            const BACKLOG: usize = 2;
            let every = 4;
            let mut queue: Vec<Job> = Vec::new();
            let (mut seq, mut tick) = (0, 0);
            let mut ran = [0_u64; 3];
            for _ in 0..600 {
                for (producer, &priority) in PRIORITIES.iter().enumerate() {
                    while queue.iter().filter(|j| j.producer == producer).count() < BACKLOG {
                        let mut queued = job(seq, priority, tick);
                        queued.producer = producer;
                        queue.push(queued);
                        seq += 1;
                    }
                }
                let i = pick(&queue, tick, every).expect("a full queue has a pick");
                let done = queue.swap_remove(i);
                ran[done.producer] += 1;
                tick += 1;
                for waiting in &queue {
                    let bound = aging_bound(waiting.priority, 2, every, PRIORITIES.len() * BACKLOG);
                    let waited = tick - waiting.submitted_tick;
                    assert!(
                        waited <= bound,
                        "after {tick} dispatches a priority-{} job has been overtaken by \
                         {waited} jobs (bound {bound} at every = {every}): aging must let a \
                         waiting job catch up{}",
                        waiting.priority,
                        if ran[done.producer] == tick { ": only one producer ever ran" } else { "" }
                    );
                }
            }
            for (producer, runs) in ran.iter().enumerate() {
                assert!(
                    *runs > 0,
                    "priority {} never ran in 600 dispatches",
                    PRIORITIES[producer]
                );
            }
        }
    };
}

/// The learner's pick (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_13::aging);
}

/// The chapter's own scheduler, which calls the graded pick (`Policy::Aging`).
mod graded_in_the_scheduler {
    use chapter_13::priority_scheduling::{Policy, aging_bound};

    #[cfg(not(shuttle))]
    mod on_real_threads {
        use super::*;
        use chapter_13::priority_scheduling::{BACKLOG, PRODUCERS, measure, simulate};
        use std::time::Duration;

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

    #[cfg(shuttle)]
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
    }
}

#[cfg(mutants)]
mod e2_strict_priority {
    suite!(chapter_13::mutants::e2_strict_priority);
}

#[cfg(mutants)]
mod e2_age_since_start {
    suite!(chapter_13::mutants::e2_age_since_start);
}

#[cfg(mutants)]
mod e2_age_not_divided {
    suite!(chapter_13::mutants::e2_age_not_divided);
}

#[cfg(mutants)]
mod e2_no_tie_rule {
    suite!(chapter_13::mutants::e2_no_tie_rule);
}

#[cfg(mutants)]
mod e2_newest_first {
    suite!(chapter_13::mutants::e2_newest_first);
}
