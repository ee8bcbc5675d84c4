//! Reference solution of exercise 12.2: the waiter (arbitrator) who lets at most N−1
//! philosophers sit at a table of N.
//!
//! Dijkstra's arbitrator fix for the dining philosophers: a deadlock needs *every* philosopher
//! holding a left fork, so if at most N−1 may sit at once, at least one seated philosopher always
//! finds both forks free and eats, and then leaves. The waiter is a counting semaphore: a count
//! of free seats behind a mutex, and a condition variable to sleep on while the count is zero.
//! (The book has no `Semaphore` or `Condition` anywhere; this is what it would look like.)
//!
//! Run `cargo xtask exercise check 12.2` to grade your own version in `exercises/`.

use common::sync::{Condvar, Mutex, MutexGuard};

/// Hands out a fixed number of seats; a philosopher waits for a seat before reaching for forks.
#[derive(Debug)]
pub struct Waiter {
    free_seats: Mutex<usize>,
    seat_freed: Condvar,
}

/// A taken seat. Dropping it gives the seat back and wakes one philosopher waiting for a seat.
#[derive(Debug)]
pub struct Seat<'a> {
    waiter: &'a Waiter,
}

impl Waiter {
    /// A waiter with `seats` seats.
    pub fn new(seats: usize) -> Self {
        Self {
            free_seats: Mutex::new(seats),
            seat_freed: Condvar::new(),
        }
    }

    /// Waits until a seat is free, then takes it.
    pub fn sit_down(&self) -> Seat<'_> {
        let mut free = self.count();
        // A loop, not an `if`: a wake-up only means "look again" (another diner may have been
        // quicker, and condition variables may wake spuriously).
        while *free == 0 {
            free = self
                .seat_freed
                .wait(free)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *free -= 1;
        Seat { waiter: self }
    }

    /// Seats free right now.
    pub fn free_seats(&self) -> usize {
        *self.count()
    }

    fn count(&self) -> MutexGuard<'_, usize> {
        // A philosopher that panicked while holding the count left it consistent: keep going.
        common::sync::lock(&self.free_seats)
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        *self.waiter.count() += 1;
        self.waiter.seat_freed.notify_one();
    }
}
