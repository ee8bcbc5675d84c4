//! A wrong collector for exercise 5.2.
//!
//! Wrong: polls the channel with `try_recv` and sleeps 10 ms between polls, as the book polls
//! `isAlive()`, instead of blocking until a result or the deadline.
//! Caught: polls instead of blocking

use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

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
        match results.try_recv() {
            Ok((index, value)) => {
                if let Some(slot) = slots.get_mut(index) {
                    if slot.is_none() {
                        filled += 1;
                    }
                    *slot = Some(value);
                }
            }
            Err(TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(10)),
            Err(TryRecvError::Disconnected) => break,
        }
    }
    slots
}
