//! Exercise 10.1 — reference solution: `gather` with a limit on how many run at once.
//!
//! `asyncio.gather` (and `join_all`) starts every job at once. Against a real server that is a
//! burst of N connections; usually you want at most K in flight. `gather_limited` runs the jobs
//! with at most `limit` in progress and still returns results in input order, like `gather`.
//! A `tokio::sync::Semaphore` hands out `limit` permits; each job holds one while it runs.
//!
//! Used by `cargo run -p chapter-10 -- run sync-primitives --variant semaphore`; graded by
//! `tests/exercise_10_1.rs`. Book section: `Chapter10/new_countdown.1.py` (`gather`), limited.

use std::future::Future;

use tokio::sync::Semaphore;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    let permits = Semaphore::new(limit.max(1));
    let permits = &permits;
    futures::future::join_all(jobs.into_iter().map(|job| async move {
        // The semaphore is never closed, so acquire cannot fail.
        let _permit = permits.acquire().await.expect("semaphore is never closed");
        job.await
    }))
    .await
}
