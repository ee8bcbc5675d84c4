//! Reference solution of exercise 13.1: the fair readers-writers lock, the book's
//! `Chapter13/example3.py` — a `service` turnstile that readers and writers both pass.
//!
//! The first reader in locks `resource` for the readers as a group, the last one out unlocks it
//! (so `resource` is a binary [`Semaphore`]: one thread takes it, another may give it back). The
//! fairness comes from the turnstile: a writer takes `service` and keeps it while it waits for
//! `resource`, so every reader that arrives later queues behind it at `service`; the readers
//! already inside finish, the last one frees `resource`, and the writer goes in. The turnstile
//! is a FIFO [`TicketLock`], so a waiting writer is overtaken by at most the threads that were
//! queued before it.
//!
//! Run `cargo xtask exercise check 13.1` to grade your own version in `exercises/`.
//!
//! [`Semaphore`]: crate::primitives::Semaphore
//! [`TicketLock`]: crate::primitives::TicketLock

use common::sync::{Mutex, lock};

use crate::primitives::RwAccess;
use crate::primitives::{Semaphore, TicketLock};

/// The book's third readers-writers lock: neither side starves.
#[derive(Debug)]
pub struct FairRwLock {
    /// The turnstile every thread passes, readers and writers alike.
    service: TicketLock,
    /// `rcount`, guarded by the `rcounter` lock.
    rcount: Mutex<usize>,
    /// Held by a writer, or by the readers as a group.
    resource: Semaphore,
}

impl Default for FairRwLock {
    fn default() -> Self {
        Self {
            service: TicketLock::new(),
            rcount: Mutex::new(0),
            resource: Semaphore::new(1),
        }
    }
}

impl RwAccess for FairRwLock {
    fn read(&self, body: &mut dyn FnMut()) {
        {
            let _turn = self.service.lock();
            let mut rcount = lock(&self.rcount);
            *rcount += 1;
            if *rcount == 1 {
                self.resource.acquire();
            }
            // Leaving this block lets the next in line through the turnstile.
        }
        body();
        let mut rcount = lock(&self.rcount);
        *rcount -= 1;
        if *rcount == 0 {
            self.resource.release();
        }
    }

    fn write(&self, body: &mut dyn FnMut()) {
        {
            // Holding the turnstile while waiting for `resource` is what stops new readers.
            let _turn = self.service.lock();
            self.resource.acquire();
        }
        body();
        self.resource.release();
    }
}
