//! Exercise 10.2 — reference solution: a cancellation-safe "receive two values".
//!
//! `select_timeout::recv_pair` keeps the first value of a pair in its own future, so a `select!`
//! that drops the future mid-pair loses that value. `Pairer` keeps it in `self` instead: the
//! future only borrows the `Pairer`, and a dropped future leaves the value where the next round
//! finds it. Each `.await` here is on `mpsc::Receiver::recv`, which is itself cancellation safe.
//!
//! Used by `cargo run -p chapter-10 -- run select-timeout --variant cancel-safe`; graded by
//! `tests/exercise_10_2.rs`. Book section: chapter 10's tasks and `asyncio.wait`, taken further.

use tokio::sync::mpsc;

/// Pairs up values from a channel, keeping a half-received pair across cancellations.
#[derive(Debug, Default)]
pub struct Pairer {
    pending: Option<u64>,
}

impl Pairer {
    /// A pairer with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Receives the next two values. Cancellation safe: if the returned future is dropped before
    /// it completes, no value received so far is lost; the next call continues the pair.
    /// `None` once the channel is closed and empty (a lone pending value stays pending).
    pub async fn next_pair(&mut self, rx: &mut mpsc::Receiver<u64>) -> Option<(u64, u64)> {
        let first = match self.pending {
            Some(v) => v,
            None => {
                let v = rx.recv().await?;
                // Stored before the next await: if we are dropped there, it survives in `self`.
                self.pending = Some(v);
                v
            }
        };
        let second = rx.recv().await?;
        self.pending = None;
        Some((first, second))
    }

    /// The value still waiting for its partner, if any (taken out).
    pub fn take_pending(&mut self) -> Option<u64> {
        self.pending.take()
    }
}
