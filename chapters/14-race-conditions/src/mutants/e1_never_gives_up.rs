//! A wrong ticket dispenser for exercise 14.1.
//!
//! Wrong: a CAS loop that never gives up: once the seats are gone it keeps reading the count,
//! waiting for a seat to free up, and never returns `None`.
//! Caught: never returned

use common::sync::atomic::{AtomicU64, Ordering};

/// Hands out tickets 0, 1, 2, ...: each number to exactly one caller.
#[derive(Debug, Default)]
pub struct Dispenser {
    next: AtomicU64,
}

impl Dispenser {
    /// A dispenser whose first ticket is 0.
    pub fn new() -> Self {
        Self {
            next: AtomicU64::new(0),
        }
    }

    /// Takes the next ticket.
    pub fn take(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// Takes the next ticket if it is below `limit` (the event has `limit` seats); `None` once
    /// they are all gone. The count of tickets issued never goes past `limit`.
    pub fn take_below(&self, limit: u64) -> Option<u64> {
        loop {
            let next = self.next.load(Ordering::Relaxed);
            if next >= limit {
                continue;
            }
            if self
                .next
                .compare_exchange(next, next + 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                return Some(next);
            }
        }
    }

    /// How many tickets have been handed out.
    pub fn issued(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}
