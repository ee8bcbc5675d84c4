//! A wrong `Pairer::next_pair` for exercise 10.2.
//!
//! Wrong: takes the pending value out into a local and puts it back only when the channel closes, so while the second value is awaited the first lives only in the future.
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
        let first = match self.pending.take() {
            Some(v) => v,
            None => rx.recv().await?,
        };
        match rx.recv().await {
            Some(second) => Some((first, second)),
            None => {
                // A lone last value waits for `take_pending`.
                self.pending = Some(first);
                None
            }
        }
    }

    /// The value still waiting for its partner, if any (taken out).
    pub fn take_pending(&mut self) -> Option<u64> {
        self.pending.take()
    }
}
