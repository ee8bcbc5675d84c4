//! The window of `check-then-act`, forced open: the schedule that makes the race happen in
//! every round, on any machine, however busy.
//!
//! Left to the scheduler, the second customer checks inside the first one's window only if it
//! runs then; on a machine whose cores are busy with other work it often does not, and a round
//! passes without an overdraft — a broken withdrawal that looks right. OSTEP's homework forces
//! such interleavings by hand; this does it with a rendezvous in the window: a customer who has
//! checked waits there until every other customer has checked too (reached its own window) or
//! given up. Then all act on what they checked.
//!
//! The rendezvous does not touch the withdrawal code: it is what runs *between* check and act,
//! where the real pause would be. A customer who holds the account's lock through its window
//! (the one-lock fix) does not wait: nobody else can check until it acts, and waiting for them
//! would be a deadlock. So every withdrawal meets its worst schedule: the broken one overdraws
//! every round, the fixes approve exactly one withdrawal anyway.

use std::cell::Cell;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::account::held_by_this_thread;

/// How long a customer waits at most for the others: a guard against a hang, never reached
/// when the others run at all (the watchdog's budget is the same).
const HANG_GUARD: Duration = Duration::from_secs(5);

/// The meeting point of one round's customers.
#[derive(Debug)]
pub struct Rendezvous {
    customers: usize,
    /// Customers that reached their window or finished without one.
    arrived: Mutex<usize>,
    everyone: Condvar,
}

impl Rendezvous {
    /// A rendezvous for `customers` customers.
    pub fn new(customers: usize) -> Self {
        Self {
            customers,
            arrived: Mutex::new(0),
            everyone: Condvar::new(),
        }
    }

    /// A customer's place at the rendezvous, for one withdrawal.
    pub fn seat(&self) -> Seat<'_> {
        Seat {
            rendezvous: self,
            arrived: Cell::new(false),
        }
    }

    fn arrive(&self) -> MutexGuard<'_, usize> {
        let mut arrived = self.arrived.lock().unwrap_or_else(PoisonError::into_inner);
        *arrived += 1;
        self.everyone.notify_all();
        arrived
    }
}

/// One customer at the rendezvous: it arrives at its first window, or when it is dropped
/// having had none (refused at the check), so nobody waits for a window it will not reach.
#[derive(Debug)]
pub struct Seat<'a> {
    rendezvous: &'a Rendezvous,
    arrived: Cell<bool>,
}

impl Seat<'_> {
    /// The window between this customer's check and its act: waits until every customer has
    /// checked or finished, unless this customer holds the account's lock.
    pub fn window(&self) {
        if held_by_this_thread() {
            return;
        }
        let rendezvous = self.rendezvous;
        let arrived = if self.arrived.replace(true) {
            rendezvous
                .arrived
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        } else {
            rendezvous.arrive()
        };
        let _ = rendezvous
            .everyone
            .wait_timeout_while(arrived, HANG_GUARD, |n| *n < rendezvous.customers)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        if !self.arrived.get() {
            drop(self.rendezvous.arrive());
        }
    }
}
