//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: returns whatever `waitpid` with `WNOHANG` answers, so a running child comes back as
//! `Some(WaitStatus::StillAlive)` at once.
//! Caught: StillAlive is not an ending

use std::time::Duration;

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// Waits at most `timeout` for `child` to end. Returns `Some(status)` once it has ended (and is
/// reaped: no zombie left), or `None` if it is still running at the deadline (left running and
/// unreaped, for the caller to decide). Never blocks much past `timeout`.
pub fn wait_timeout(child: Pid, timeout: Duration) -> nix::Result<Option<WaitStatus>> {
    let _ = timeout;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Err(Errno::EINTR) => continue,
            other => return other.map(Some),
        }
    }
}
