//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: `buffered(limit)` counts finished results queued behind a slow earlier job, so that job holds up new starts.
//! Caught: nor a window held up by a slow job

use std::future::Future;

use futures::stream::{self, StreamExt};

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    stream::iter(jobs).buffered(limit.max(1)).collect().await
}
