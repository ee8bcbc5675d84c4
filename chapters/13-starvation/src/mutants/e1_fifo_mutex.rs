//! A wrong readers-writers lock for exercise 13.1.
//!
//! Wrong: a plain FIFO mutex passed off as a readers-writers lock: readers and writers alike hold
//! the ticket lock for their whole access, so no two readers ever read at once.
//! Caught: two readers could not hold the read lock at once

use crate::primitives::RwAccess;
use crate::primitives::TicketLock;

/// "Fair and exclusive": one FIFO lock for everyone.
#[derive(Debug, Default)]
pub struct FairRwLock {
    /// The turnstile every thread passes, readers and writers alike.
    service: TicketLock,
}

impl RwAccess for FairRwLock {
    fn read(&self, body: &mut dyn FnMut()) {
        let _turn = self.service.lock();
        body();
    }

    fn write(&self, body: &mut dyn FnMut()) {
        let _turn = self.service.lock();
        body();
    }
}
