//! A wrong collector for exercise 5.2.
//!
//! Wrong: treats every error as "nothing yet" and keeps waiting until the deadline, also after
//! every sender has hung up (`recv_timeout` then fails at once, so it spins until the deadline).
//! Caught: waited although every sender had hung up

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

/// Receives `(index, value)` pairs into `n` slots until every slot is filled, every sender has
/// hung up, or `deadline` passes. Slots never filled stay `None`; an index out of range is
/// ignored.
pub fn collect_until<T>(
    results: &Receiver<(usize, T)>,
    n: usize,
    deadline: Instant,
) -> Vec<Option<T>> {
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut filled = 0;
    while filled < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match results.recv_timeout(left) {
            Ok((index, value)) => {
                if let Some(slot) = slots.get_mut(index) {
                    if slot.is_none() {
                        filled += 1;
                    }
                    *slot = Some(value);
                }
            }
            Err(RecvTimeoutError::Timeout) => break,
            // Maybe a result is still on its way: keep waiting until the deadline.
            Err(RecvTimeoutError::Disconnected) => {}
        }
    }
    slots
}
