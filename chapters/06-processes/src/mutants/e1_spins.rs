//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: polls `waitpid` with `WNOHANG` in a tight loop with no sleep between looks, burning a
//! whole core until the child ends or the deadline passes.
//! Caught: spins instead of sleeping

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
                std::thread::yield_now();
            }
            Ok(status) => return Ok(Some(status)),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
}
