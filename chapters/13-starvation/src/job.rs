//! A job queued for the priority scheduler: its own module so that the scheduler and the aging
//! rule it calls (exercise 13.2) share the type without importing each other.

use std::time::Instant;

/// A queued job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index of the producer that submitted it.
    pub producer: usize,
    /// Its own priority (higher runs first).
    pub priority: u32,
    /// Submission order, for ties: lower is older.
    pub seq: u64,
    /// How many jobs had been dispatched when it was submitted.
    pub submitted_tick: u64,
    /// When it was submitted.
    pub submitted_at: Instant,
}
