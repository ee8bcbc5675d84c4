//! The small locks this chapter builds its solutions from: a semaphore and a FIFO ticket lock,
//! both made from `common::sync`'s `Mutex` and `Condvar`, so the model checker can check them.
//!
//! - [`Semaphore`] stands in for the book's `threading.Lock`. The book's readers-writers code
//!   acquires `resource` in the first reader and releases it in the *last* reader, which may be a
//!   different thread; a Rust `Mutex` guard cannot do that (it is released by whoever holds it),
//!   but a binary semaphore can. Like Python's `Lock`, it makes no promise about who goes next:
//!   a thread that releases and at once re-acquires usually wins against a sleeping waiter (it
//!   *barges*). That is the unfairness every starvation in this chapter grows from.
//! - [`TicketLock`] is the fair one: take a ticket, wait until it is served, first come first
//!   served. A waiter is overtaken by at most the threads that took a ticket before it.
//! - [`hold`] is work that takes *time* but no CPU (a sleep, standing for I/O); [`spin_for`] is
//!   work that takes CPU time (a spin). `readers-writers` stays inside with sleeps: five spinning
//!   threads on a two-core machine would be starved by the OS's time-slicing as much as by the
//!   lock, and the lesson is the lock's policy. `greedy-lock` holds its lock with a spin (the
//!   greedy thread must be *running* when it releases, to barge back in) and its polite threads
//!   sleep between turns, so at most one thread spins at a time and the CPUs stay mostly free.
//!   The priority scheduler's worker spins through each job (it really is busy).
//!
//! Used by every example: `readers-writers`, `priority-scheduling` (its queue), `greedy-lock`.
//! No book example to mirror: the book only has `threading.Lock`.

use std::sync::PoisonError;

use common::sync::{Condvar, Mutex, lock};

/// A counting semaphore (binary with one permit): `acquire` waits for a permit and takes it,
/// `release` gives one back from any thread. Not FIFO: waiters race for each released permit,
/// and a thread that is already running usually beats one that must first be woken.
#[derive(Debug)]
pub struct Semaphore {
    permits: Mutex<usize>,
    released: Condvar,
}

impl Semaphore {
    /// A semaphore with `permits` permits (1 for a lock).
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Waits until a permit is free, then takes it.
    pub fn acquire(&self) {
        let mut permits = lock(&self.permits);
        while *permits == 0 {
            permits = self
                .released
                .wait(permits)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *permits -= 1;
    }

    /// Gives a permit back (any thread may call it) and wakes one waiter.
    pub fn release(&self) {
        *lock(&self.permits) += 1;
        self.released.notify_one();
    }

    /// Permits free right now.
    pub fn available(&self) -> usize {
        *lock(&self.permits)
    }
}

/// A first-come-first-served lock: each caller takes the next ticket and waits for its number.
#[derive(Debug, Default)]
pub struct TicketLock {
    tickets: Mutex<Tickets>,
    turn: Condvar,
}

#[derive(Debug, Default)]
struct Tickets {
    next: u64,
    serving: u64,
}

/// Holding a [`TicketLock`]; dropping it serves the next ticket.
#[derive(Debug)]
pub struct TicketGuard<'a> {
    lock: &'a TicketLock,
}

impl TicketLock {
    /// An unlocked ticket lock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a ticket and waits until it is served.
    pub fn lock(&self) -> TicketGuard<'_> {
        let mut tickets = lock(&self.tickets);
        let mine = tickets.next;
        tickets.next += 1;
        while tickets.serving != mine {
            // Every waiter wakes on each hand-off and checks whether its number came up.
            tickets = self
                .turn
                .wait(tickets)
                .unwrap_or_else(PoisonError::into_inner);
        }
        TicketGuard { lock: self }
    }
}

impl Drop for TicketGuard<'_> {
    fn drop(&mut self) {
        lock(&self.lock.tickets).serving += 1;
        self.lock.turn.notify_all();
    }
}

/// Holds on for `micros` microseconds without using the CPU: a sleep, standing for I/O done
/// inside a lock (waiting is the point here). Under the model checker it is a single yield.
pub fn hold(micros: u64) {
    if cfg!(shuttle) {
        common::sync::thread::yield_now();
    } else {
        std::thread::sleep(std::time::Duration::from_micros(micros));
    }
}

/// Spins for `duration` (a CPU-bound job of a known length). Under the model checker it is a
/// single yield.
pub fn spin_for(duration: std::time::Duration) {
    if cfg!(shuttle) {
        common::sync::thread::yield_now();
    } else {
        let start = std::time::Instant::now();
        while start.elapsed() < duration {
            std::hint::spin_loop();
        }
    }
}

/// A readers-writers lock seen from outside: run `body` as a reader or as a writer.
pub trait RwAccess: Send + Sync {
    /// Runs `body` while holding read access (shared with other readers).
    fn read(&self, body: &mut dyn FnMut());
    /// Runs `body` while holding write access (alone).
    fn write(&self, body: &mut dyn FnMut());
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn a_semaphore_counts_its_permits() {
        let s = Semaphore::new(2);
        s.acquire();
        s.acquire();
        assert_eq!(s.available(), 0);
        s.release();
        assert_eq!(s.available(), 1);
    }

    #[test]
    fn a_ticket_lock_serves_in_order() {
        let l = TicketLock::new();
        drop(l.lock());
        drop(l.lock());
        let t = lock(&l.tickets);
        assert_eq!((t.next, t.serving), (2, 2));
    }
}
