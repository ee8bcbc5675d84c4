//! The stranding of `flawed-shutdown`, forced: the schedule that leaves a task behind in every
//! run, on any machine, however busy.
//!
//! Left to the scheduler, the book's consumers strand the work only if they look at the queue
//! before the producer has put everything. Started first, they nearly always do; but on a machine
//! whose cores are busy a consumer can first run after all ten puts, take every task, and leave
//! nothing stranded. Here the producer, before its last put, waits until every polling consumer
//! has given up (returned from its loop): however late the consumers ran, they all looked, saw
//! "empty" and quit while work was still to come, and the last task is stranded.
//!
//! The wait does not touch the consumers' code: it is what runs before the producer's last put,
//! where the time to prepare a task stands. Consumers that wait for work properly would never
//! give up, so the wait has a hang guard: past it, the producer puts anyway.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long the producer waits at most for the consumers to give up: a guard against a hang,
/// never reached when the consumers poll and quit.
const HANG_GUARD: Duration = Duration::from_secs(1);

/// Counts the consumers that have given up, for a producer that waits for them all.
#[derive(Debug)]
pub struct GivenUp {
    consumers: usize,
    quit: Mutex<usize>,
    all_quit: Condvar,
}

impl GivenUp {
    /// None of `consumers` consumers has given up yet.
    pub fn new(consumers: usize) -> Self {
        Self {
            consumers,
            quit: Mutex::new(0),
            all_quit: Condvar::new(),
        }
    }

    /// A consumer's token: it counts as given up when the token is dropped (when its loop has
    /// returned, or it panicked).
    pub fn token(&self) -> Token<'_> {
        Token { given_up: self }
    }

    /// Waits until every consumer has given up, or the hang guard passes. Returns whether they
    /// all had.
    pub fn wait_for_all(&self) -> bool {
        let (quit, _) = self
            .all_quit
            .wait_timeout_while(self.quit(), HANG_GUARD, |quit| *quit < self.consumers)
            .unwrap_or_else(PoisonError::into_inner);
        *quit >= self.consumers
    }

    fn quit(&self) -> MutexGuard<'_, usize> {
        self.quit.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One consumer's token at [`GivenUp`].
#[derive(Debug)]
pub struct Token<'a> {
    given_up: &'a GivenUp,
}

impl Drop for Token<'_> {
    fn drop(&mut self) {
        *self.given_up.quit() += 1;
        self.given_up.all_quit.notify_all();
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn the_wait_ends_when_every_token_is_dropped() {
        let given_up = GivenUp::new(3);
        std::thread::scope(|s| {
            for _ in 0..3 {
                let token = given_up.token();
                s.spawn(move || drop(token));
            }
        });
        assert!(given_up.wait_for_all());
    }

    #[test]
    fn with_no_consumers_nobody_is_waited_for() {
        assert!(GivenUp::new(0).wait_for_all());
    }
}
