//! A wrong `wait_timeout` for exercise 6.1.
//!
//! Wrong: asks `kill(child, None)` whether the child is alive and reaps it only once that fails,
//! but an ended child stays a zombie (which `kill` still finds) until it is reaped.
//! Caught: never reaps an ended child

use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::kill;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

/// Waits at most `timeout` for `child` to end. Returns `Some(status)` once it has ended (and is
/// reaped: no zombie left), or `None` if it is still running at the deadline (left running and
/// unreaped, for the caller to decide). Never blocks much past `timeout`.
pub fn wait_timeout(child: Pid, timeout: Duration) -> nix::Result<Option<WaitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        match kill(child, None) {
            Ok(()) => {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(Errno::ESRCH) => return waitpid(child, None).map(Some),
            Err(e) => return Err(e),
        }
    }
}
