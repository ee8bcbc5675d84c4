//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: calls a plain blocking `waitpid`, which waits for the child to end whatever the timeout.
//! Caught: blocks past the timeout

use std::time::Duration;

use nix::errno::Errno;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

/// Waits at most `timeout` for `child` to end. Returns `Some(status)` once it has ended (and is
/// reaped: no zombie left), or `None` if it is still running at the deadline (left running and
/// unreaped, for the caller to decide). Never blocks much past `timeout`.
pub fn wait_timeout(child: Pid, timeout: Duration) -> nix::Result<Option<WaitStatus>> {
    let _ = timeout;
    loop {
        match waitpid(child, None) {
            Err(Errno::EINTR) => continue,
            other => return other.map(Some),
        }
    }
}
