//! A wrong `allow_threads` for exercise 15.1.
//!
//! Wrong: runs `blocking` first and lets go of the GIL only after it returns (then takes it back),
//! so it holds the GIL for the whole wait.
//! Caught: kept the GIL while it waited

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    let result = blocking();
    thread.release();
    thread.acquire();
    result
}
