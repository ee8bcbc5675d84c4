//! Reference solution of exercise 13.2: the aging pick for the priority scheduler.
//!
//! A strict priority scheduler starves low-priority jobs while higher ones keep arriving (`cargo
//! run -p chapter-13 -- run priority-scheduling --variant strict`). Aging raises a waiting job's
//! *effective* priority by one level for every `every` dispatches it has waited, so any job
//! eventually outranks fresh high-priority arrivals; ties go to the older job (lower `seq`), so a
//! job that has caught up is not overtaken by a younger one of the same standing.
//!
//! Run `cargo xtask exercise check 13.2` to grade your own version in `exercises/`.

use std::cmp::Reverse;

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`:
/// `priority + (now − submitted_tick) / every`; among equals, the oldest (lowest `seq`).
/// `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    let effective = |job: &Job| u64::from(job.priority) + (now - job.submitted_tick) / every.max(1);
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| (effective(job), Reverse(job.seq)))
        .map(|(i, _)| i)
}
