//! A wrong aging pick for exercise 13.2.
//!
//! Wrong: adds the dispatches waited without dividing by `every`: one level per dispatch, so a
//! low job overtakes fresh high ones far too soon.
//! Caught: one level of age per `every` dispatches waited

use std::cmp::Reverse;

use crate::job::Job;

/// Index in `queue` of the job with the highest effective priority at dispatch count `now`;
/// among equals, the oldest (lowest `seq`). `None` for an empty queue.
pub fn pick_with_aging(queue: &[Job], now: u64, every: u64) -> Option<usize> {
    let _ = every;
    let effective = |job: &Job| u64::from(job.priority) + (now - job.submitted_tick);
    queue
        .iter()
        .enumerate()
        .max_by_key(|(_, job)| (effective(job), Reverse(job.seq)))
        .map(|(i, _)| i)
}
