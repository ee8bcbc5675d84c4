//! A wrong collector for exercise 5.2.
//!
//! Wrong: blocks on `recv` with no timeout, so a worker that never reports keeps it waiting past
//! the deadline.
//! Caught: did not return at the deadline

use std::sync::mpsc::Receiver;
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
    while filled < n && Instant::now() < deadline {
        let Ok((index, value)) = results.recv() else {
            break;
        };
        if let Some(slot) = slots.get_mut(index) {
            if slot.is_none() {
                filled += 1;
            }
            *slot = Some(value);
        }
    }
    slots
}
