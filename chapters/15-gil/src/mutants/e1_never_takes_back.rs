//! A wrong `allow_threads` for exercise 15.1.
//!
//! Wrong: releases the GIL around `blocking` but returns without taking it back, so the caller
//! goes on running steps without the GIL.
//! Caught: does not hold the GIL after

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    thread.release();
    blocking()
}
