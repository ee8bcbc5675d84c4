//! Forking the chapter's worker processes, and waiting for them with a deadline.
//!
//! `multiprocessing.Pool` on Linux forks its workers; so does this chapter's `countdown`, to show
//! that a second process (with its own GIL, in Python) runs in parallel where a second thread
//! under the GIL cannot. `fork` copies the process but only the calling thread: a lock another
//! thread held at that moment (the allocator's, stdout's) stays locked in the child for ever. So a
//! child here only runs a countdown on memory built before the fork — no allocation, no printing —
//! and ends with `_exit`, as chapter 6's children do (`chapters/06-processes/src/fork.rs`).
//!
//! Used by `countdown`; not run on its own. Unix only.

#![cfg(unix)]

use std::time::{Duration, Instant};

use anyhow::Context;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// Forks a child that runs `child` and `_exit`s with the code it returns; returns its pid to the
/// parent. `child` must not allocate, print, lock or panic (see the module doc).
#[allow(unsafe_code)]
pub fn fork_child(child: impl FnOnce() -> i32) -> anyhow::Result<Pid> {
    // SAFETY: the child has one thread and copies of every lock other threads held at the fork.
    // The closures this crate passes only count down on memory built before the fork and touch a
    // fresh, never-contended GIL (a futex word): no allocation, no I/O, no foreign lock. The child
    // then `_exit`s, running no destructor of state it shares with the parent.
    match unsafe { fork() }.context("fork failed")? {
        ForkResult::Child => {
            let code = child();
            // SAFETY: ends the child at once, without atexit handlers or buffered I/O flushes
            // that belong to the parent.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Waits up to `deadline` for `child` to exit; true if it exited with code 0. A child still
/// running at the deadline is killed and reaped (and counts as a failure): no zombie, no hang.
pub fn wait_ok(child: Pid, deadline: Duration) -> anyhow::Result<bool> {
    let until = Instant::now() + deadline;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {}
            Ok(WaitStatus::Exited(_, code)) => return Ok(code == 0),
            Ok(_) => return Ok(false),
            Err(e) => return Err(e).context("waitpid failed"),
        }
        if Instant::now() >= until {
            let _ = kill(child, Signal::SIGKILL); // fails only if it already died
            let _ = waitpid(child, None);
            return Ok(false);
        }
        // Polling every 200 µs adds at most that much to a measured time.
        std::thread::sleep(Duration::from_micros(200));
    }
}
