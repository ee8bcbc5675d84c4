//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: runs the jobs in fixed waves of `limit` (`join_all` per chunk): a wave's free slots wait for its slowest job.
//! Caught: a sliding window, not fixed waves

use std::future::Future;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    let mut jobs = jobs.into_iter();
    let mut results = Vec::new();
    loop {
        let wave: Vec<F> = jobs.by_ref().take(limit.max(1)).collect();
        if wave.is_empty() {
            return results;
        }
        results.extend(futures::future::join_all(wave).await);
    }
}
