//! Exercise 10.1 — `gather` with a limit: at most `limit` jobs in progress at once.
//!
//! `asyncio.gather` (and `futures::future::join_all`) starts every job at once. Against a real
//! server that is a burst of N connections; usually you want at most K in flight. Write
//! [`gather_limited`]: run the jobs concurrently, never more than `limit` at a time (treat 0 as
//! 1), and return the results in input order, like `gather` (the book's `Chapter10` countdowns).
//!
//! What the grader checks (`cargo xtask exercise check 10.1`), under tokio's paused clock, by
//! counting the jobs in progress (each job checks at its start, a watcher every 10 ms):
//! - results in input order, whatever order the jobs finish in;
//! - never more than `limit` jobs in progress at once;
//! - while some jobs have not started, exactly `limit` in progress at every moment, also when
//!   the jobs take very different times (limited, yet as concurrent as the limit allows);
//! - a limit of 0 runs one job at a time; a limit above the number of jobs runs them all at once;
//!   no jobs give no results.

use std::future::Future;

/// Runs `jobs` concurrently, at most `limit` at a time (a `limit` of 0 counts as 1), and returns
/// their results in the order the jobs were given.
pub async fn gather_limited<F, T>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T>,
{
    // TODO: run the jobs concurrently, with at most `limit.max(1)` of them in progress at any
    // moment, and return their results in the order the jobs were given.
    let _ = (jobs, limit);
    todo!("run the jobs with at most `limit` at once")
}
