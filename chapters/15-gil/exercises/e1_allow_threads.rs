//! Exercise 15.1 — release the GIL around blocking I/O.
//!
//! A thread that blocks (on a socket, a pipe, a timer) while holding the GIL stops every other
//! thread of the interpreter for as long as it waits: `cargo run -p chapter-15 -- run
//! io-releases-the-lock --variant holds` shows the cost. CPython avoids it by wrapping each blocking
//! call in `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`. Write that wrapper for the chapter's
//! modelled GIL (`src/gil.rs`; a `GilThread` is one thread's handle on it): while `blocking` runs,
//! other threads must be able to take the GIL; when `allow_threads` returns, the caller holds the
//! GIL again and gets `blocking`'s result.
//!
//! What the grader checks (`cargo xtask exercise check 15.1`):
//! - a thread inside `allow_threads` waiting for a message from a second thread, which needs the
//!   GIL to send it, gets the message (no deadlock — a watchdog fails the test fast if it hangs);
//! - the GIL is free while `blocking` runs (the GIL's count of takes, read from inside
//!   `blocking`, shows it), the caller holds it again afterwards, and the result comes back
//!   unchanged;
//! - the waiter and the sender get through in every schedule the shuttle model checker tries.

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    // TODO: run `blocking` so that other threads can take the GIL while it waits, and return
    // its result with `thread` holding the GIL again.
    let _ = (thread, blocking);
    todo!("run blocking with the GIL free for others")
}
