//! Exercise 5.2 (reference solution) — `collect_until`: gather results from worker threads until
//! all have reported or an overall deadline passes.
//!
//! The book's `Chapter05/example6.py` gives its threads 5 seconds by polling `isAlive()` every
//! 10 ms. Polling wastes wake-ups and still waits a full interval too long; a channel does
//! better: each worker sends `(index, result)` when done, and the collector blocks on the channel
//! with a timeout equal to the time left. It returns as soon as every slot is filled, or every
//! worker has hung up, or the deadline has passed — whichever comes first — and the slots still
//! empty are the stragglers.
//!
//! Run: used by `cargo run -p chapter-5 -- run timeouts --variant custom-timeout`; graded by
//! `cargo xtask exercise check 5.2`. Book: chapter 5, "Specifying a timeout".

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
            // The deadline passed, or nobody is left to send: what is missing stays missing.
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    slots
}
