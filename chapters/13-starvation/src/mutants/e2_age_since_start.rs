//! A wrong aging pick for exercise 13.2.
//!
//! Wrong: ages every job by `now / every`, the dispatches since the start instead of since its own
//! submission: all jobs gain alike, so nothing catches up.
//! Caught: is the age left out

use std::cmp::Reverse;

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`;
/// among equals, the oldest (lowest `seq`). `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    let effective = |job: &Job| u64::from(job.priority) + now / every.max(1);
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| (effective(job), Reverse(job.seq)))
        .map(|(i, _)| i)
}
