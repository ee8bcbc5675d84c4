//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: ignores the limit and starts every job at once with `join_all`.
//! Caught: jobs in progress at once with a limit of

use std::future::Future;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, _limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    futures::future::join_all(jobs).await
}
