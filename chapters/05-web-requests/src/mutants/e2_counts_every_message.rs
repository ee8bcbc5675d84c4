//! A wrong collector for exercise 5.2.
//!
//! Wrong: counts every message received as a filled slot, so an out-of-range or repeated index
//! ends the wait before the last slot is filled.
//! Caught: returned before every slot was filled

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
    let mut received = 0;
    while received < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match results.recv_timeout(left) {
            Ok((index, value)) => {
                received += 1;
                if let Some(slot) = slots.get_mut(index) {
                    *slot = Some(value);
                }
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    slots
}
