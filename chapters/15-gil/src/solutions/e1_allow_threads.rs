//! Reference solution of exercise 15.1: release the GIL around blocking I/O.
//!
//! CPython wraps every blocking call (`read`, `recv`, `sleep`, `select`, a lock's `acquire`) in
//! `Py_BEGIN_ALLOW_THREADS` ... `Py_END_ALLOW_THREADS`: release the GIL, block, take it back. The
//! waiting thread runs no bytecode, so it needs no GIL, and meanwhile the others run. That is
//! the whole reason threads help I/O-bound Python code (`io-releases-the-lock` measures it).
//!
//! Run `cargo xtask exercise check 15.1` to grade your own version in `exercises/`.

use crate::gil::GilThread;

/// Runs `blocking` with the GIL released, then takes the GIL back and returns what `blocking`
/// returned. The thread holds the GIL again when this returns, as it did before the call.
pub fn allow_threads<R>(thread: &mut GilThread, blocking: impl FnOnce() -> R) -> R {
    thread.release();
    let result = blocking();
    thread.acquire();
    result
}
