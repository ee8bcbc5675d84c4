//! A wrong aging pick for exercise 13.2.
//!
//! Wrong: looks only at `job.priority` (with the tie rule): a job's waiting never counts, so low
//! jobs starve as under strict priority.
//! Caught: is the age left out

use std::cmp::Reverse;

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`;
/// among equals, the oldest (lowest `seq`). `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    let _ = (now, every);
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| (job.priority, Reverse(job.seq)))
        .map(|(i, _)| i)
}
