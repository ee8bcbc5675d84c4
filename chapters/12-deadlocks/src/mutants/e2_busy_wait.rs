//! A wrong waiter for exercise 12.2.
//!
//! Wrong: polls the count with `yield_now` instead of sleeping on the condition variable.
//! Caught: spins instead of blocking

use common::sync::{Condvar, Mutex, MutexGuard};

/// Hands out a fixed number of seats.
#[derive(Debug)]
pub struct Waiter {
    free_seats: Mutex<usize>,
    seat_freed: Condvar,
}

/// A taken seat, given back on drop.
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

    /// Takes a seat.
    pub fn sit_down(&self) -> Seat<'_> {
        loop {
            let mut free = self.count();
            if *free > 0 {
                *free -= 1;
                break;
            }
            drop(free);
            common::sync::thread::yield_now();
        }
        Seat { waiter: self }
    }

    /// Seats free right now.
    pub fn free_seats(&self) -> usize {
        *self.count()
    }

    fn count(&self) -> MutexGuard<'_, usize> {
        common::sync::lock(&self.free_seats)
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        *self.waiter.count() += 1;
        self.waiter.seat_freed.notify_one();
    }
}
