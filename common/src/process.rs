//! Forked child processes and the pipes they write into: the pieces chapters 6, 15 and 20
//! share (feature `process`, Unix only).
//!
//! `fork` makes a copy of the calling process that continues from the same line, with a copy of
//! the memory but only the thread that called `fork`. If another thread held a lock at that
//! moment (the allocator's, stdout's), that lock stays held for ever in the child. A test binary
//! always has other threads, so a child forked here may only call async-signal-safe functions
//! until it ends: `write`, `close`, `kill`, `getpid`, `nanosleep`, `_exit` — no `malloc`, no
//! `println!`. Whatever a child sends is built before the fork, and it ends with `_exit`.
//!
//! The parent's side never waits without a limit: [`DeadlineReader`] reads a pipe only while a
//! deadline allows, and [`reap_by`] kills a child still running at the deadline and reaps it.
//!
//! Not an example: the chapters' examples use it (`chapter-6 run pipes`, `chapter-15 run
//! countdown --variant processes`, `chapter-20 run across-processes`). It mirrors what
//! `multiprocessing`'s "fork" start method does under the book's `Process(target=...)`.

#![cfg(unix)]

use std::fs::File;
use std::io::{self, ErrorKind, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::Context;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, write};

/// Forks a child that runs `child` and then `_exit`s with the code it returns; returns the
/// child's pid to the parent. `child` must call only async-signal-safe functions on memory built
/// before the fork, and must not panic (see the module doc): the caller keeps that promise.
#[allow(unsafe_code)]
pub fn fork_child(child: impl FnOnce() -> i32) -> anyhow::Result<Pid> {
    // SAFETY: after `fork` the child has one thread and copies of every lock other threads may
    // have held. The closures the chapters pass call only async-signal-safe functions (see the
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

/// Writes all of `bytes` into `fd`, retrying after a signal: `write(2)` in a loop, nothing that
/// allocates, so a forked child may call it. Fails with the first other error (`EPIPE` once the
/// reader has gone).
pub fn write_all(fd: impl AsFd, bytes: &[u8]) -> Result<(), Errno> {
    let mut rest = bytes;
    while !rest.is_empty() {
        match write(&fd, rest) {
            Ok(n) => rest = &rest[n..],
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
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

/// How a child ended, as [`reap_by`] saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    /// Its wait status.
    pub status: WaitStatus,
    /// True if it was still running at the deadline and was killed.
    pub killed: bool,
}

impl Reaped {
    /// Its exit code, if it exited by itself (not killed, not by a signal).
    pub fn exit_code(&self) -> Option<i32> {
        match self.status {
            WaitStatus::Exited(_, code) if !self.killed => Some(code),
            _ => None,
        }
    }
}

/// Reaps `child` without blocking past `deadline`: polls `waitpid` with `WNOHANG` every
/// `every`, and at the deadline kills the child (`SIGKILL` cannot be caught or ignored) and
/// reaps it. Polling adds at most `every` to a measured time.
pub fn reap_by(child: Pid, deadline: Instant, every: Duration) -> anyhow::Result<Reaped> {
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() >= deadline => {
                return Ok(Reaped {
                    status: kill_and_reap(child)?,
                    killed: true,
                });
            }
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => std::thread::sleep(every),
            Ok(status) => {
                return Ok(Reaped {
                    status,
                    killed: false,
                });
            }
            Err(e) => return Err(e).context("waitpid failed"),
        }
    }
}

/// A pipe's read end, read only as long as the deadline allows: each `read` first `poll`s for
/// data with the time left, and fails with `TimedOut` once it is spent.
#[derive(Debug)]
pub struct DeadlineReader {
    file: File,
    deadline: Instant,
}

impl DeadlineReader {
    /// Reads `read_end` until `deadline`.
    pub fn new(read_end: OwnedFd, deadline: Instant) -> Self {
        Self {
            file: File::from(read_end),
            deadline,
        }
    }
}

impl Read for DeadlineReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(
                    ErrorKind::TimedOut,
                    "the time budget ran out while waiting for the writer",
                ));
            }
            let millis = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
            let mut fds = [PollFd::new(self.file.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::from(millis)) {
                Ok(0) | Err(Errno::EINTR) => continue,
                // Data, or end-of-file (POLLHUP): `read` returns at once either way.
                Ok(_) => return self.file.read(buf),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::pipe;

    #[test]
    fn a_child_writes_through_a_pipe_and_exits_with_its_code() {
        let (rx, tx) = pipe().expect("pipe");
        let bytes = b"hello from the child".to_vec();
        let child = fork_child(move || match write_all(&tx, &bytes) {
            Ok(()) => 7,
            Err(_) => 1,
        })
        .expect("fork");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut got = Vec::new();
        DeadlineReader::new(rx, deadline)
            .read_to_end(&mut got)
            .expect("reads to end-of-file");
        assert_eq!(got, b"hello from the child");
        let reaped = reap_by(child, deadline, Duration::from_millis(1)).expect("reaps");
        assert_eq!(reaped.exit_code(), Some(7), "{reaped:?}");
    }

    #[test]
    fn a_child_still_running_at_the_deadline_is_killed() {
        let child = fork_child(|| {
            std::thread::sleep(Duration::from_secs(30)); // nanosleep: async-signal-safe
            0
        })
        .expect("fork");
        let reaped = reap_by(child, Instant::now(), Duration::from_millis(1)).expect("reaps");
        assert!(reaped.killed);
        assert_eq!(reaped.exit_code(), None);
        assert!(matches!(
            reaped.status,
            WaitStatus::Signaled(_, Signal::SIGKILL, _)
        ));
    }

    #[test]
    fn a_silent_pipe_times_out_instead_of_blocking() {
        let (rx, _tx) = pipe().expect("pipe");
        let mut reader = DeadlineReader::new(rx, Instant::now() + Duration::from_millis(20));
        let err = reader.read(&mut [0; 8]).expect_err("nothing to read");
        assert_eq!(err.kind(), ErrorKind::TimedOut);
    }
}
