//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: awaits the jobs one after the other: never more than `limit`, but never concurrent either.
//! Caught: one at a time

use std::future::Future;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, _limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        results.push(job.await);
    }
    results
}
