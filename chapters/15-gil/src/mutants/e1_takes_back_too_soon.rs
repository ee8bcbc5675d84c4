//! A wrong `allow_threads` for exercise 15.1.
//!
//! Wrong: releases the GIL and takes it straight back before running `blocking`, so it still holds
//! the GIL while it waits.
//! Caught: took the GIL back before running

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    thread.release();
    thread.acquire();
    blocking()
}
