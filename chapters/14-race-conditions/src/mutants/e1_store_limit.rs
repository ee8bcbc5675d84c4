//! A wrong ticket dispenser for exercise 14.1.
//!
//! Wrong: takes with `fetch_add`, then, past the limit, `store(limit)` to hide the overshoot: for a
//! moment `issued()` counts past the limit, and the store can take back what others added.
//! Caught: issued() counted past the limit

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
        let ticket = self.next.fetch_add(1, Ordering::Relaxed);
        if ticket < limit {
            Some(ticket)
        } else {
            // Gone too far: put the count back where it belongs.
            self.next.store(limit, Ordering::Relaxed);
            None
        }
    }

    /// How many tickets have been handed out.
    pub fn issued(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}
