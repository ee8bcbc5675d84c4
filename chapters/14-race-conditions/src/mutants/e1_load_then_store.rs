//! A wrong ticket dispenser for exercise 14.1.
//!
//! Wrong: `take` keeps the book's load, then store: two customers who load the same number both
//! get it.
//! Caught: duplicate ticket

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
        let ticket = self.next.load(Ordering::Relaxed);
        self.next.store(ticket + 1, Ordering::Relaxed);
        ticket
    }

    /// Takes the next ticket if it is below `limit` (the event has `limit` seats); `None` once
    /// they are all gone. The count of tickets issued never goes past `limit`.
    pub fn take_below(&self, limit: u64) -> Option<u64> {
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
                (next < limit).then_some(next + 1)
            })
            .ok()
    }

    /// How many tickets have been handed out.
    pub fn issued(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}
