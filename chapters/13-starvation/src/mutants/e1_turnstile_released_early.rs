//! A wrong readers-writers lock for exercise 13.1.
//!
//! Wrong: the writer lets the turnstile go before it waits for `resource`, so readers that
//! come after a waiting writer pass the turnstile and join the readers inside.
//! Caught: a reader went in past a waiting writer

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
            // Wait for our turn at the turnstile, then on to the resource.
            let _turn = self.service.lock();
        }
        self.resource.acquire();
        body();
        self.resource.release();
    }
}
