//! Forking the chapter's worker processes, and waiting for them with a deadline.
//!
//! `multiprocessing.Pool` on Linux forks its workers; so does this chapter's `countdown`, to show
//! that a second process (with its own GIL, in Python) runs in parallel where a second thread
//! under the GIL cannot. `fork` copies the process but only the calling thread: a lock another
//! thread held at that moment (the allocator's, stdout's) stays locked in the child for ever. So a
//! child here only runs a countdown on memory built before the fork — no allocation, no printing —
//! and ends with `_exit`, as chapter 6's children do: `fork_child` is `common::process`'s, shared
//! with chapters 6 and 20.
//!
//! Used by `countdown`; not run on its own. Unix only.

#![cfg(unix)]

use std::time::{Duration, Instant};

use common::process::reap_by;
use nix::unistd::Pid;

/// Forks a child that runs a closure and `_exit`s with the code it returns; returns its pid to
/// the parent. The closure must not allocate, print, lock or panic (see the module doc). Shared
/// with chapters 6 and 20 (`common::process`).
pub use common::process::fork_child;

/// Waits up to `deadline` for `child` to exit; true if it exited with code 0. A child still
/// running at the deadline is killed and reaped (and counts as a failure): no zombie, no hang.
pub fn wait_ok(child: Pid, deadline: Duration) -> anyhow::Result<bool> {
    // Polling every 200 µs adds at most that much to a measured time.
    let reaped = reap_by(child, Instant::now() + deadline, Duration::from_micros(200))?;
    Ok(reaped.exit_code() == Some(0))
}
