//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: `buffer_unordered` keeps `limit` jobs in flight but returns the results in the order the jobs finish.
//! Caught: not in the order the jobs finished

use std::future::Future;

use futures::stream::{self, StreamExt};

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    stream::iter(jobs)
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}
