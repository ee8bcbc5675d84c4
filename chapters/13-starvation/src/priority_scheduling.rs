//! Priority scheduling: a scheduler that always runs the highest-priority job starves the
//! low-priority work for as long as higher-priority work keeps arriving — and *aging* fixes it.
//!
//! The book's chapter 13 describes this in prose (an operating system that always schedules the
//! highest-priority process); here it runs. Three producer threads, `high` (priority 2),
//! `medium` (1) and `low` (0), each keep [`BACKLOG`] jobs queued with a [`Scheduler`]; one worker
//! thread takes jobs from it and runs them (a short spin each).
//!
//! - `strict`: the worker always takes the highest-priority job. The system is overloaded —
//!   more work is always queued than the worker can do: the worker only dispatches when every
//!   producer has its backlog queued (see [`Scheduler::saturated`]; otherwise the outcome would
//!   hang on whether the producer threads get a CPU in time to refill). So there is always a high
//!   job waiting: `medium` and `low` wait the whole run, with no job at all.
//! - `aging`: a job's *effective* priority grows by one for every [`AGING_EVERY`] jobs dispatched
//!   while it waits (ties go to the older job). A waiting job of priority `p` is overtaken by
//!   at most `(P − p)·E + 2·(C − 1)` jobs, where `P` is the top priority, `E` the aging step and
//!   `C` the queue's capacity (each producer's backlog, summed): the jobs already queued, plus
//!   the jobs submitted in the `(P − p)·E` dispatches before it catches up ([`aging_bound`]).
//!   Every producer gets its turn. The pick lives in [`crate::aging`]: that is exercise 13.2.
//!
//! Time is counted in dispatches ("ticks"), so the policy itself is deterministic: [`simulate`]
//! drives the same scheduler step by step on one thread, which the tests use to assert the
//! starvation exactly. On real threads the figures are measurements: how many jobs each producer
//! got, and its longest wait — in wall-clock time and in jobs that overtook it — counting a job
//! still queued when the run ended. A job dispatched after the watchdog's stop flag (the
//! producers had quit, so the queue was no longer full) counts as a wait, not as a job run.
//!
//! Run: `cargo run -p chapter-13 -- run priority-scheduling [--variant strict]`.

use std::cmp::Reverse;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::sync::{Condvar, Mutex, lock};
use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, WorkerResult, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::aging::pick_with_aging;
pub use crate::job::Job;
use crate::primitives::spin_for;
use crate::tally::{Row, Tally, percent, share_table, total};

/// The producers: name and priority (higher runs first).
pub const PRODUCERS: [(&str, u32); 3] = [("high", 2), ("medium", 1), ("low", 0)];
/// Jobs each producer keeps queued.
pub const BACKLOG: usize = 4;
/// How long one job runs on the worker (a spin: the worker really is busy).
pub const JOB: Duration = Duration::from_micros(50);
/// Aging: one priority level more for every this many dispatches a job waits.
pub const AGING_EVERY: u64 = 4;

/// How the scheduler picks the next job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Always the highest priority (the oldest of those).
    Strict,
    /// Highest effective priority: own priority + one per `every` dispatches waited.
    Aging {
        /// Dispatches per level of aging.
        every: u64,
    },
}

common::variants! {
    /// The example's variants: which [`Policy`] the scheduler follows.
    pub enum Scheduling {
        /// [`Policy::Strict`].
        Strict = "strict": "always the highest priority: medium and low never run",
        /// [`Policy::Aging`], one level per [`AGING_EVERY`] dispatches.
        Aging = "aging": "priority rises with time waited: every producer runs, within a bound",
    }
}

impl Scheduling {
    /// The policy this variant runs.
    pub fn policy(self) -> Policy {
        match self {
            Self::Strict => Policy::Strict,
            Self::Aging => Policy::Aging { every: AGING_EVERY },
        }
    }
}

impl Policy {
    /// Index in `queue` of the job to run next, at dispatch count `now`.
    pub fn pick(self, queue: &[Job], now: u64) -> Option<usize> {
        match self {
            Self::Strict => pick_strict(queue),
            Self::Aging { every } => pick_with_aging(queue, now, every),
        }
    }
}

/// The strict pick: the highest priority; among equals, the oldest.
pub fn pick_strict(queue: &[Job]) -> Option<usize> {
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| (job.priority, Reverse(job.seq)))
        .map(|(i, _)| i)
}

/// The most jobs that can overtake a waiting job of `priority` under aging: `(top − priority)
/// · every + 2 · (capacity − 1)`, with `capacity` the most jobs ever queued at once.
pub fn aging_bound(priority: u32, top: u32, every: u64, capacity: usize) -> u64 {
    u64::from(top - priority) * every + 2 * (capacity as u64 - 1)
}

/// A job handed to the worker, with how long it waited.
#[derive(Debug, Clone)]
pub struct Dispatched {
    /// The job.
    pub job: Job,
    /// Jobs dispatched while it waited (how many overtook it).
    pub waited_ticks: u64,
    /// Wall-clock time it waited.
    pub waited: Duration,
}

/// A job queue with a per-producer backlog limit and a pluggable pick.
#[derive(Debug)]
pub struct Scheduler {
    policy: Policy,
    backlog: usize,
    producers: usize,
    saturated: bool,
    state: Mutex<State>,
    job_ready: Condvar,
    slot_free: Condvar,
}

#[derive(Debug)]
struct State {
    queue: Vec<Job>,
    pending: Vec<usize>,
    tick: u64,
    seq: u64,
    live_producers: usize,
    closed: bool,
}

/// The scheduler was closed: no more jobs are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl Scheduler {
    /// A scheduler for `producers` producers, each allowed `backlog` queued jobs.
    pub fn new(policy: Policy, producers: usize, backlog: usize) -> Self {
        Self {
            policy,
            backlog,
            producers,
            saturated: false,
            state: Mutex::new(State {
                queue: Vec::new(),
                pending: vec![0; producers],
                tick: 0,
                seq: 0,
                live_producers: producers,
                closed: false,
            }),
            job_ready: Condvar::new(),
            slot_free: Condvar::new(),
        }
    }

    /// The same scheduler, but [`Scheduler::next`] waits until every producer has its full
    /// backlog queued: an overloaded system, whatever the machine's speed. Without it the
    /// outcome would depend on whether the producer threads get the CPU in time to refill.
    pub fn saturated(mut self) -> Self {
        self.saturated = true;
        self
    }

    /// Queues a job; waits while `producer` already has its full backlog queued.
    pub fn submit(&self, producer: usize, priority: u32) -> Result<(), Closed> {
        let mut state = lock(&self.state);
        while state.pending[producer] >= self.backlog && !state.closed {
            state = self
                .slot_free
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            return Err(Closed);
        }
        let job = Job {
            producer,
            priority,
            seq: state.seq,
            submitted_tick: state.tick,
            submitted_at: Instant::now(),
        };
        state.seq += 1;
        state.pending[producer] += 1;
        state.queue.push(job);
        self.job_ready.notify_one();
        Ok(())
    }

    /// Takes the next job by the policy; waits while the queue is empty. `None` once it is
    /// closed, or empty with every producer done.
    pub fn next(&self) -> Option<Dispatched> {
        let mut state = lock(&self.state);
        let full = self.producers * self.backlog;
        while (state.queue.is_empty()
            || self.saturated && state.queue.len() < full && state.live_producers == self.producers)
            && state.live_producers > 0
            && !state.closed
        {
            state = self
                .job_ready
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            return None;
        }
        let now = state.tick;
        let index = self.policy.pick(&state.queue, now)?;
        let job = state.queue.swap_remove(index);
        state.tick += 1;
        state.pending[job.producer] -= 1;
        self.slot_free.notify_all();
        Some(Dispatched {
            waited_ticks: now - job.submitted_tick,
            waited: job.submitted_at.elapsed(),
            job,
        })
    }

    /// A producer will submit no more.
    pub fn producer_done(&self) {
        lock(&self.state).live_producers -= 1;
        self.job_ready.notify_all();
    }

    /// Stops the scheduler: blocked producers and the worker return.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.slot_free.notify_all();
        self.job_ready.notify_all();
    }

    /// The jobs still queued: (producer, dispatches waited so far, time waited so far).
    pub fn still_waiting(&self) -> Vec<(usize, u64, Duration)> {
        let state = lock(&self.state);
        state
            .queue
            .iter()
            .map(|j| {
                (
                    j.producer,
                    state.tick - j.submitted_tick,
                    j.submitted_at.elapsed(),
                )
            })
            .collect()
    }
}

/// Drives the scheduler step by step on one thread: before each dispatch every producer, in
/// order, tops its backlog up. Returns each producer's tally (waits in dispatches, as
/// `most_overtaken`), counting the jobs still queued at the end.
pub fn simulate(policy: Policy, priorities: &[u32], backlog: usize, dispatches: u64) -> Vec<Tally> {
    let scheduler = Scheduler::new(policy, priorities.len(), backlog);
    let mut tallies = vec![Tally::default(); priorities.len()];
    for _ in 0..dispatches {
        for (producer, &priority) in priorities.iter().enumerate() {
            while lock(&scheduler.state).pending[producer] < backlog {
                // Cannot block: the producer is below its backlog.
                let _ = scheduler.submit(producer, priority);
            }
        }
        if let Some(d) = scheduler.next() {
            tallies[d.job.producer].record(Duration::ZERO, d.waited_ticks);
        }
    }
    for (producer, ticks, _) in scheduler.still_waiting() {
        tallies[producer].waited(Duration::ZERO, ticks);
    }
    tallies
}

/// Runs the producers and the worker on real threads for `duration`; one tally per producer.
pub fn measure(policy: Policy, duration: Duration, job: Duration) -> (Vec<Tally>, Ending) {
    let scheduler = Arc::new(Scheduler::new(policy, PRODUCERS.len(), BACKLOG).saturated());
    let mut workers = Vec::new();
    for (producer, &(name, priority)) in PRODUCERS.iter().enumerate() {
        let scheduler = Arc::clone(&scheduler);
        workers.push(worker(name, move |ctx: &WorkerCtx| {
            while !ctx.should_stop() && scheduler.submit(producer, priority).is_ok() {
                ctx.progress();
            }
            scheduler.producer_done();
            None
        }));
    }
    let sched = Arc::clone(&scheduler);
    workers.push(worker("worker", move |ctx: &WorkerCtx| {
        let mut tallies = vec![Tally::default(); PRODUCERS.len()];
        while !ctx.should_stop() {
            let Some(d) = sched.next() else { break };
            if ctx.should_stop() {
                // Dispatched after the stop (the producers had quit, the queue was no longer
                // saturated): the run is over, so this job's wait counts, but not as a turn.
                tallies[d.job.producer].waited(d.waited, d.waited_ticks);
                break;
            }
            spin_for(job);
            tallies[d.job.producer].record(d.waited, d.waited_ticks);
            ctx.progress();
        }
        // A job still queued has waited too: a starved one, the whole run.
        for (producer, ticks, waited) in sched.still_waiting() {
            tallies[producer].waited(waited, ticks);
        }
        sched.close();
        Some(tallies)
    }));
    let report = Watchdog::new(duration)
        .stall_after(duration / 2)
        .grace(Duration::from_secs(2))
        .run(workers);
    scheduler.close();
    let tallies = report
        .threads
        .iter()
        .find_map(|t| match &t.result {
            WorkerResult::Finished(Some(tallies)) => Some(tallies.clone()),
            _ => None,
        })
        .unwrap_or_else(|| vec![Tally::default(); PRODUCERS.len()]);
    (tallies, report.ending.clone())
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let policy = config.variant_of::<Scheduling>()?.policy();
    // The tour: 200 ms is thousands of dispatches; time is counted in dispatches, so the
    // policy's outcome does not depend on the length.
    let duration = config.pick(Duration::from_millis(200), Duration::from_secs(3));
    let started = Instant::now();
    let (tallies, ending) = measure(policy, duration, JOB);
    let ran_for = started.elapsed();
    let rows: Vec<Row> = PRODUCERS
        .iter()
        .zip(&tallies)
        .map(|(&(name, priority), tally)| Row {
            name: name.to_string(),
            role: format!("priority {priority}"),
            tally: tally.clone(),
        })
        .collect();
    let all = total(&rows);
    let low = &tallies[2];
    let low_share = percent(low.accesses, all);
    let capacity = PRODUCERS.len() * BACKLOG;
    let within_bound = rows.iter().zip(PRODUCERS).all(|(row, (_, priority))| {
        row.tally.most_overtaken <= aging_bound(priority, 2, AGING_EVERY, capacity)
    });
    let showed = match policy {
        Policy::Strict => low_share < 1.0 || low.longest_wait >= duration / 2,
        Policy::Aging { .. } => tallies.iter().all(|t| t.accesses > 0) && within_bound,
    };
    let verdict = Verdict::from(ending == Ending::DeadlineReached && showed);
    let outcome = config.outcome(verdict)
        .line(format!(
            "One worker ran {} in {} from producers of priority 2, 1 and 0, each keeping {BACKLOG} queued.",
            common::format::counted(all, "jobs"),
            human(ran_for)
        ))
        .line(format!(
            "The low-priority producer got {} ({}); its longest wait was {} and {} overtook it.",
            common::format::counted(low.accesses, "jobs"),
            common::format::percent(low_share),
            human(low.longest_wait),
            common::format::counted(low.most_overtaken, "jobs")
        ))
        .key_figure("low-priority share", low_share, "%")
        .count("low-priority jobs", low.accesses, "jobs")
        .duration("low-priority longest wait", low.longest_wait)
        .count("low-priority most overtaken", low.most_overtaken, "jobs")
        .table(share_table("Per producer", "jobs run", &rows));
    Ok(match policy {
        Policy::Strict => outcome.notice(
            "a high-priority job is always waiting, so the lower ones never run: starvation by policy, not by a lock",
        ),
        Policy::Aging { every } => outcome
            .line(format!(
                "Aging (one level per {every} dispatches) bounds the overtaking: at most {} jobs for priority 0.",
                aging_bound(0, 2, every, capacity)
            ))
            .notice("a waiting job's priority rises with its age: every producer gets its turn, within a bound"),
    })
}
