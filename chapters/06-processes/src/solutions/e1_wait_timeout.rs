//! Exercise 6.1 (reference solution) — join a child process with a timeout.
//!
//! The book's `p1.join(1)` waits at most one second for a process, then returns whether or not
//! it ended; `p1.is_alive()` then tells which. `waitpid(pid, None)` has no timeout: it blocks
//! until the child ends. `waitpid` with `WNOHANG` never blocks: it answers `StillAlive` at once
//! if the child is running. Polling it until a deadline is a join with a timeout.
//!
//! Used by `daemon-and-join-timeout` (`Chapter06/example5.py`); graded by `tests/exercise_6_1.rs`.

use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// Waits at most `timeout` for `child` to end. Returns `Some(status)` once it has ended (and is
/// reaped: no zombie left), or `None` if it is still running at the deadline (left running and
/// unreaped, for the caller to decide). Never blocks much past `timeout`.
pub fn wait_timeout(child: Pid, timeout: Duration) -> nix::Result<Option<WaitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(status) => return Ok(Some(status)),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
}
