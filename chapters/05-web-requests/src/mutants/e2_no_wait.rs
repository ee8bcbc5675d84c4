//! A wrong collector for exercise 5.2.
//!
//! Wrong: takes only the results already on the channel and returns, never waiting for the ones
//! still coming.
//! Caught: returned while a result was still coming

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
    while Instant::now() < deadline {
        let Ok((index, value)) = results.try_recv() else {
            break;
        };
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(value);
        }
    }
    slots
}
