//! Exercise 10.2 — make "receive two values" cancellation safe.
//!
//! `select_timeout::recv_pair` awaits `rx.recv()` twice in one future. In a `select!` loop next
//! to a ticker, a tick that wins between the two awaits drops the future — and the first value,
//! which lived only inside it, is lost (`cargo run -p chapter-10 -- run select-timeout --variant
//! lossy`). Write [`Pairer::next_pair`] so that a dropped call loses nothing: the next call
//! continues the half-received pair, and a value still waiting for its partner is the one
//! `take_pending` returns.
//!
//! What the grader checks (`cargo xtask exercise check 10.2`):
//! - pairs come out in order, a closed channel gives `None`, and a lone last value is left for
//!   `take_pending`; at every `None`, the channel must be closed and drained (a `None` ends the
//!   caller's loop);
//! - a fresh call polled once and dropped after every value sent, and every combination of
//!   cancelled rounds among a loop's first ten: nothing lost, duplicated or reordered;
//! - under tokio's paused clock, in a `select!` loop against tickers of many periods and phases,
//!   every value sent is received exactly once, in order (the lossy version loses some in almost
//!   every setting).

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
        // TODO: return the next two values as a pair. This future may be dropped at any
        // `.await`: a value it has already received must not be lost with it.
        let _ = rx;
        todo!("receive a pair without losing a value when cancelled")
    }

    /// The value still waiting for its partner, if any (taken out).
    pub fn take_pending(&mut self) -> Option<u64> {
        self.pending.take()
    }
}
