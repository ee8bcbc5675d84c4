//! A wrong `Pairer::next_pair` for exercise 10.2.
//!
//! Wrong: collects the pair in a local `Vec` with `recv_many`, so a value received before the future is dropped is dropped with the buffer.
//! Caught: lost with a dropped next_pair future

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
        let mut pair = Vec::with_capacity(2);
        pair.extend(self.pending.take());
        while pair.len() < 2 {
            // `recv_many` is cancellation safe, so this loop is too.
            let missing = 2 - pair.len();
            if rx.recv_many(&mut pair, missing).await == 0 {
                self.pending = pair.pop();
                return None;
            }
        }
        Some((pair[0], pair[1]))
    }

    /// The value still waiting for its partner, if any (taken out).
    pub fn take_pending(&mut self) -> Option<u64> {
        self.pending.take()
    }
}
