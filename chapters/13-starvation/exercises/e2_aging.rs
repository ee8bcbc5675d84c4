//! Exercise 13.2 — aging: stop the priority scheduler from starving its low-priority jobs.
//!
//! The `strict` scheduler always runs the highest-priority job; with high-priority work always
//! queued, the low-priority producer never runs (`cargo run -p chapter-13 -- run
//! priority-scheduling --variant strict`). Aging fixes it: a job's *effective* priority is its
//! own priority plus one level for every `every` dispatches it has waited:
//!
//! ```text
//! effective = priority + (now - submitted_tick) / every
//! ```
//!
//! Pick the job with the highest effective priority; among equals, the oldest (lowest `seq`).
//!
//! What the grader checks (`cargo xtask exercise check 13.2`):
//! - the pick on small queues, one rule at a time: fresh jobs go by priority; among equals the
//!   oldest goes first, wherever it stands in the queue; waiting raises a job's priority, by one
//!   level per `every` dispatches; and the same rules on many random queues;
//! - a queue driven step by step with high-priority work always queued: after every dispatch, no
//!   job still waiting has been overtaken by more than `aging_bound` jobs, and every producer runs;
//! - the chapter's scheduler with your pick: the same bound on real threads under a watchdog, and
//!   under the shuttle model checker, in every schedule explored.

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`;
/// among equals, the oldest (lowest `seq`). `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    // TODO: for each job compute `u64::from(job.priority) + (now - job.submitted_tick) / every`,
    // and return the index of the largest; break ties by the smaller `job.seq`.
    let _ = (queue, now, every);
    todo!("pick the job with the highest effective priority")
}
