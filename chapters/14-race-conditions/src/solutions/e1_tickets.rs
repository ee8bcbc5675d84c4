//! Reference solution of exercise 14.1: a ticket dispenser that never hands out a ticket twice.
//!
//! The book's counter reads `counter`, then writes `counter + 1`: two threads that read the same
//! value both write the same next value, and one update is lost. For a ticket dispenser a lost
//! update is worse than a wrong total: two customers hold the same ticket. The fix is one atomic
//! read-modify-write, which reads and writes with no gap in which another thread can read:
//!
//! - `take`: `fetch_add(1)` returns the value it replaced — that *is* the ticket;
//! - `take_below(limit)`: a read-modify-write with a condition has no single instruction, so it
//!   is a compare-exchange loop (here `fetch_update`): compute the new value from a snapshot, and
//!   store it only if the counter still holds the snapshot; else retry with the fresh value.
//!   `fetch_add` then a check would overshoot: the counter would count tickets never handed out.
//!
//! Run `cargo xtask exercise check 14.1` to grade your own version in `exercises/`.

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
        // Relaxed suffices: uniqueness needs only the atomicity of the read-modify-write.
        self.next.fetch_add(1, Ordering::Relaxed)
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
