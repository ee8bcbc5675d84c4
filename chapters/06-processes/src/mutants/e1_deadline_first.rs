//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: loops only while the deadline is ahead, so with a zero timeout it never looks at the child,
//! and a child that has already ended is reported as running and left a zombie.
//! Caught: checks the deadline before looking at the child

use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// Waits at most `timeout` for `child` to end. Returns `Some(status)` once it has ended (and is
/// reaped: no zombie left), or `None` if it is still running at the deadline (left running and
/// unreaped, for the caller to decide). Never blocks much past `timeout`.
pub fn wait_timeout(child: Pid, timeout: Duration) -> nix::Result<Option<WaitStatus>> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(status) => return Ok(Some(status)),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}
