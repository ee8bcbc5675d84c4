//! Exercise 10.1 — `gather` with a limit: at most `limit` jobs in progress at once.
//!
//! `asyncio.gather` (and `futures::future::join_all`) starts every job at once. Against a real
//! server that is a burst of N connections; usually you want at most K in flight. Write
//! [`gather_limited`]: run the jobs concurrently, never more than `limit` at a time (treat 0 as
//! 1), and return the results in input order, like `gather`.
//!
//! One way: a `tokio::sync::Semaphore` with `limit` permits; wrap each job in an async block that
//! acquires a permit, awaits the job and drops the permit; `join_all` the wrapped jobs.
//!
//! What the grader checks (`cargo xtask exercise check 10.1`), under tokio's paused clock:
//! - results in input order, whatever order the jobs finish in;
//! - never more than `limit` jobs in progress, and exactly `limit` at the peak;
//! - ten 100 ms jobs with a limit of 3 take 400 ms of (paused) time: limited, yet concurrent.

use std::future::Future;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    // TODO: create a tokio::sync::Semaphore with limit.max(1) permits.
    // TODO: wrap every job: acquire a permit, await the job, let the permit drop.
    // TODO: join_all the wrapped jobs (it keeps the input order).
    let _ = (jobs, limit);
    todo!("run the jobs with at most `limit` at once")
}
