//! A counting semaphore: at most `limit` holders at once, the rest wait their turn.
//!
//! The rate-limit example (`rate_limit.rs`) lets every request start a thread but makes each take
//! a [`Permit`] before it connects, so no more than `limit` requests are ever in flight — the
//! book's advice to be polite to a server, made a guarantee. Python has `threading.Semaphore`;
//! here it is written out (a count under a `Mutex`, a `Condvar` to sleep on) so the model checker
//! can look inside: with the `shuttle` feature, `common::sync` hands out shuttle's lock and
//! condition variable, and `tests/model_check.rs` checks the bound across many schedules.
//!
//! Beside it, [`Semaphore::acquire_check_then_act`] is the classic mistake: look at the count
//! under the lock, let go, then take a permit under the lock again. Between the look and the take
//! another thread can take the last permit, and both go in. The model checker finds that
//! schedule; on real threads it is rare, which is why a checker and not a test run is the proof.
//!
//! Run: `cargo run -p chapter-5 -- run rate-limit --variant semaphore`;
//! `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-5 --test model_check`.
//! Book: chapter 5, "Thread pools" and the note on not flooding a server with requests.

use common::sync::{Condvar, Mutex, lock, thread};

#[derive(Debug)]
struct State {
    /// Permits not taken.
    available: usize,
    /// Permits taken and not yet given back.
    held: usize,
    /// The most permits ever held at once: what the model check asserts on.
    peak_held: usize,
}

/// A counting semaphore with `limit` permits.
#[derive(Debug)]
pub struct Semaphore {
    state: Mutex<State>,
    released: Condvar,
    limit: usize,
}

/// A taken permit; dropping it gives the permit back and wakes one waiter.
#[derive(Debug)]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `limit` permits (at least one, or nobody could ever go in).
    pub fn new(limit: usize) -> Self {
        assert!(limit > 0, "a semaphore needs at least one permit");
        Self {
            state: Mutex::new(State {
                available: limit,
                held: 0,
                peak_held: 0,
            }),
            released: Condvar::new(),
            limit,
        }
    }

    /// The number of permits it was made with.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Waits until a permit is free, then takes it. Checking and taking happen under one lock
    /// hold, so no other thread can take the same permit in between.
    pub fn acquire(&self) -> Permit<'_> {
        let mut state = lock(&self.state);
        while state.available == 0 {
            // `wait` gives the lock back while asleep and takes it again before returning; the
            // loop re-checks because another waiter may have been woken first.
            state = self
                .released
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        Self::take(&mut state);
        Permit { semaphore: self }
    }

    /// The broken version: looks at the count, lets go of the lock, then takes a permit under a
    /// second lock hold. Two threads can both see the last permit free and both go in. Kept for
    /// the model checker to find (`tests/model_check.rs`); never use it.
    pub fn acquire_check_then_act(&self) -> Permit<'_> {
        loop {
            let free = lock(&self.state).available;
            if free > 0 {
                break;
            }
            thread::yield_now();
        }
        // The window: the lock is not held here.
        let mut state = lock(&self.state);
        state.available = state.available.saturating_sub(1);
        state.held += 1;
        state.peak_held = state.peak_held.max(state.held);
        Permit { semaphore: self }
    }

    fn take(state: &mut State) {
        state.available -= 1;
        state.held += 1;
        state.peak_held = state.peak_held.max(state.held);
    }

    /// Permits free right now.
    pub fn available(&self) -> usize {
        lock(&self.state).available
    }

    /// The most permits ever held at once (more than [`Self::limit`] means the bound broke).
    pub fn peak_held(&self) -> usize {
        lock(&self.state).peak_held
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.semaphore.state);
        state.held -= 1;
        // Never more free permits than the limit, even after the broken acquire miscounted.
        state.available = (state.available + 1).min(self.semaphore.limit);
        drop(state);
        self.semaphore.released.notify_one();
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn permits_are_counted_out_and_back() {
        let semaphore = Semaphore::new(2);
        let a = semaphore.acquire();
        let b = semaphore.acquire();
        assert_eq!(semaphore.available(), 0);
        drop(a);
        assert_eq!(semaphore.available(), 1);
        drop(b);
        assert_eq!(semaphore.available(), 2);
        assert_eq!(semaphore.peak_held(), 2);
    }

    #[test]
    #[should_panic(expected = "at least one permit")]
    fn zero_permits_is_refused() {
        let _ = Semaphore::new(0);
    }
}
