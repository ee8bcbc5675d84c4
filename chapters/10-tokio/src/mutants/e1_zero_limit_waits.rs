//! A wrong `gather_limited` for exercise 10.1.
//!
//! Wrong: a semaphore of `limit` permits, so a limit of 0 gives no permit and every job waits forever.
//! Caught: a limit of 0 must count as 1

use std::future::Future;

use tokio::sync::Semaphore;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    let permits = Semaphore::new(limit);
    let permits = &permits;
    futures::future::join_all(jobs.into_iter().map(|job| async move {
        let _permit = permits.acquire().await.expect("semaphore is never closed");
        job.await
    }))
    .await
}
