//! Exercise 12.2 — the waiter: let at most N−1 philosophers sit at a table of N.
//!
//! Five philosophers who each take the left fork, then the right, can deadlock: all five hold a
//! left fork and wait for a right one (`cargo run -p chapter-12 -- run dining-philosophers
//! --variant broken`). Dijkstra's arbitrator fix keeps their habit but adds a waiter: nobody
//! reaches for a fork without a seat, and there are only N−1 seats. Then at least one seated
//! philosopher always finds both forks free.
//!
//! Write the waiter as a counting semaphore: a count of free seats in a `Mutex`, and a `Condvar`
//! to sleep on while no seat is free. Use the `Mutex` and `Condvar` from `common::sync` (they
//! become the model checker's own under test).
//!
//! What the grader checks (`cargo xtask exercise check 12.2`):
//! - never more diners seated than seats, and a seat comes back when a `Seat` is dropped;
//! - five left-then-right philosophers with a four-seat waiter never deadlock and all eat — on
//!   real threads under a watchdog, and under the shuttle model checker across many schedules.

use common::sync::{Condvar, Mutex};

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
        // TODO: lock `free_seats`; while it is 0, wait on `seat_freed` (wait gives the lock back
        // while asleep and returns it re-locked); then take a seat and return a `Seat`.
        let _fields_you_need = (&self.free_seats, &self.seat_freed);
        todo!("wait for a free seat")
    }

    /// Seats free right now.
    pub fn free_seats(&self) -> usize {
        // TODO: read the count under the lock.
        todo!("read the count of free seats")
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        // TODO: give the seat back (count + 1) and wake one philosopher waiting for a seat.
        let _ = self.waiter;
        todo!("give the seat back")
    }
}
