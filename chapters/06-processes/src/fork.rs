//! The one place this chapter calls `fork`, and the parent's side of a child's life: kill, reap.
//!
//! `fork` makes a copy of the calling process. The copy (the child) continues from the same line
//! with a copy of the memory, but with only the thread that called `fork`. If another thread held
//! a lock at that moment (the allocator's, stdout's), that lock stays held for ever in the child.
//! So a child forked from a multi-threaded process (a test binary always is) may only call
//! async-signal-safe functions until it ends: `write`, `close`, `kill`, `getpid`, `getppid`,
//! `nanosleep`, `sigaction`, `prctl`, `_exit` — no `malloc`, no `println!`. Every child in this
//! chapter is written that way: data it sends is built before the fork, and it ends with `_exit`.
//!
//! Used by every example of the chapter; not run on its own. Mirrors what `multiprocessing`'s
//! "fork" start method does under the book's `Process(target=...)` (`Chapter06/example1–6.py`).

use std::time::Duration;

use anyhow::Context;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// Forks a child that runs `child` and then `_exit`s with the code it returns; returns the
/// child's pid to the parent. `child` must call only async-signal-safe functions and must not
/// panic (see the module doc): the caller keeps that promise.
#[allow(unsafe_code)]
pub fn fork_child(child: impl FnOnce() -> i32) -> anyhow::Result<Pid> {
    // SAFETY: after `fork` the child has one thread and copies of every lock other threads may
    // have held. The closures this crate passes call only async-signal-safe functions (see the
    // module doc) on memory built before the fork, and the child ends with `_exit`, which runs
    // no destructors and flushes no buffers the parent owns. It never returns to the caller.
    match unsafe { fork() }.context("fork failed")? {
        ForkResult::Child => {
            let code = child();
            // SAFETY: `_exit` ends the child at once without running destructors or atexit
            // handlers that belong to the parent's state (see above).
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Sleeps in the child: `nanosleep`, async-signal-safe, and no allocation.
pub fn child_sleep(d: Duration) {
    std::thread::sleep(d);
}

/// Kills `child` with SIGKILL (it cannot be caught) and reaps it, so no zombie is left behind.
pub fn kill_and_reap(child: Pid) -> anyhow::Result<WaitStatus> {
    let _ = kill(child, Signal::SIGKILL); // fails only if it is already dead
    loop {
        match waitpid(child, None) {
            Err(Errno::EINTR) => continue,
            other => return other.context("waitpid failed"),
        }
    }
}

/// True once `pid` has been reaped: `waitpid` on it answers ECHILD ("no such child").
pub fn reaped(pid: Pid) -> bool {
    waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) == Err(Errno::ECHILD)
}

/// Describes a wait status in words: "exited with code 3", "killed by SIGKILL".
pub fn describe(status: &WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with code {code}"),
        WaitStatus::Signaled(_, sig, _) => format!("killed by {}", sig.as_str()),
        WaitStatus::StillAlive => "still running".to_string(),
        other => format!("{other:?}"),
    }
}

/// A process's state letter (`R`, `S`, `Z`...) and parent pid from `/proc/<pid>/stat`, if it
/// still exists. The state follows the last `)`: the command name in brackets may contain spaces.
pub fn proc_stat(pid: Pid) -> Option<(char, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut rest = stat.rsplit_once(')')?.1.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((state, ppid))
}
