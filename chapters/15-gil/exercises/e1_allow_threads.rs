//! Exercise 15.1 — release the GIL around blocking I/O.
//!
//! A thread that blocks (on a socket, a pipe, a timer) while holding the GIL stops every other
//! thread of the interpreter for as long as it waits: `cargo run -p chapter-15 -- run
//! io-releases-the-lock --variant holds` shows the cost. CPython avoids it by wrapping each blocking
//! call in `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`. Write that wrapper for the chapter's
//! modelled GIL (`src/gil.rs`): `allow_threads` must release the GIL, run `blocking`, take the GIL
//! back, and return `blocking`'s result.
//!
//! What the grader checks (`cargo xtask exercise check 15.1`):
//! - a thread inside `allow_threads` waiting for a message from a second thread, which needs the
//!   GIL to send it, gets the message (no deadlock — a watchdog fails the test fast if it hangs);
//! - the caller holds the GIL again afterwards, and the result comes back unchanged;
//! - no two threads ever hold the GIL at once (also under the shuttle model checker).

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    // TODO: let go of the GIL (`GilThread::release`) so other threads can run steps meanwhile.
    // TODO: run `blocking` and keep its result.
    // TODO: take the GIL back (`GilThread::acquire`) before returning the result.
    let _ = (thread, blocking);
    todo!("release the GIL, block, take the GIL back")
}
