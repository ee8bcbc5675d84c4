//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: kills the child with SIGKILL when the deadline passes, where a timed-out join must leave
//! it running for the caller to decide.
//! Caught: killed the child at the timeout

use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
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
                    kill(child, Signal::SIGKILL)?;
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
