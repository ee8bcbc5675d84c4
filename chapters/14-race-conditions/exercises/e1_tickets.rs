//! Exercise 14.1 — a ticket dispenser that never hands out a ticket twice.
//!
//! `cargo run -p chapter-14 -- run lost-updates --variant broken` loses updates: each thread
//! loads the counter, then stores what it read plus one, and threads that read the same value
//! all store the same next value. In a ticket dispenser that bug gives two customers the same
//! ticket. Fix it with atomic read-modify-writes: operations that read and write with no gap
//! in which another thread can read.
//!
//! - `take`: hand out 0, 1, 2, ... — each number exactly once, whatever the threads do.
//! - `take_below(limit)`: the same, but only tickets below `limit`; after that `None`, and
//!   `issued()` must never count past `limit`.
//!
//! Use the atomics from `common::sync` (already imported): they become the model checker's own
//! under test.
//!
//! What the grader checks (`cargo xtask exercise check 14.1`):
//! - threads taking tickets at once get every number from 0 to n−1 exactly once, and
//!   `issued()` is n;
//! - with a limit, exactly `limit` tickets are handed out, all below it, and `issued()` stops
//!   at `limit` — on real threads under a watchdog, and under the shuttle model checker;
//! - at every step, not only at the end: each `take_below` is checked as it returns (its ticket
//!   below the limit, `issued()` not past it, `None` only once every ticket is gone), and an
//!   observer reads `issued()` while customers take: it must never pass the limit, not even for
//!   a moment, and never go down.

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
        // TODO: this is the book's way, and it races (two threads can load the same number):
        //     let ticket = self.next.load(Ordering::Relaxed);
        //     self.next.store(ticket + 1, Ordering::Relaxed);
        //     ticket
        // Replace it with ONE atomic read-modify-write that returns the value it replaced.
        todo!("hand out the next ticket with one atomic read-modify-write")
    }

    /// Takes the next ticket if it is below `limit` (the event has `limit` seats); `None` once
    /// they are all gone. The count of tickets issued never goes past `limit`.
    pub fn take_below(&self, limit: u64) -> Option<u64> {
        // TODO: the same, but never past `limit`: not at the end, and not for a moment while
        // other threads are taking.
        let _ = limit;
        todo!("hand out a ticket below the limit, never counting past it")
    }

    /// How many tickets have been handed out.
    pub fn issued(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}
