//! A wrong `allow_threads` for exercise 15.1.
//!
//! Wrong: runs `blocking` with the GIL still held, so a thread that needs the GIL to send what the
//! caller waits for can never run.
//! Caught: kept the GIL while it waited

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    debug_assert!(thread.holds());
    blocking()
}
