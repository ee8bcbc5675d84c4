//! A wrong aging pick for exercise 13.2.
//!
//! Wrong: keys on the effective priority alone: `max_by_key` then returns the *last* of equals, the
//! one furthest back in the queue, not the oldest.
//! Caught: the oldest job (lowest seq) goes first

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`;
/// among equals, the oldest (lowest `seq`). `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    let effective = |job: &Job| u64::from(job.priority) + (now - job.submitted_tick) / every.max(1);
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| effective(job))
        .map(|(i, _)| i)
}
