//! Exercise 10.2 — make "receive two values" cancellation safe.
//!
//! `select_timeout::recv_pair` awaits `rx.recv()` twice in one future. In a `select!` loop next
//! to a ticker, a tick that wins between the two awaits drops the future — and the first value,
//! which lived only inside it, is lost (`cargo run -p chapter-10 -- run select-timeout --variant
//! lossy`). Write [`Pairer::next_pair`] so that a dropped call loses nothing: keep a received
//! first value in `self.pending` (outside the future) *before* awaiting the second one, and start
//! from it on the next call.
//!
//! What the grader checks (`cargo xtask exercise check 10.2`), under tokio's paused clock:
//! - pairs come out in order, and a closed channel gives `None`;
//! - in a `select!` loop against tickers of many periods and phases, every value sent is
//!   received exactly once, in order (the lossy version loses some in almost every setting).

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
        // TODO: take the first value from `self.pending` if there is one; otherwise receive it
        // and store it in `self.pending` before awaiting anything else.
        // TODO: receive the second value, clear `self.pending`, return the pair.
        let _ = rx;
        todo!("receive a pair without losing a value when cancelled")
    }

    /// The value still waiting for its partner, if any (taken out).
    pub fn take_pending(&mut self) -> Option<u64> {
        self.pending.take()
    }
}
