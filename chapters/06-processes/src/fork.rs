//! Where this chapter's children come from (`fork`), and the parent's side of their life.
//!
//! `fork` makes a copy of the calling process. The copy (the child) continues from the same line
//! with a copy of the memory, but with only the thread that called `fork`. If another thread held
//! a lock at that moment (the allocator's, stdout's), that lock stays held for ever in the child.
//! So a child forked from a multi-threaded process (a test binary always is) may only call
//! async-signal-safe functions until it ends: `write`, `close`, `kill`, `getpid`, `getppid`,
//! `nanosleep`, `sigaction`, `prctl`, `_exit` — no `malloc`, no `println!`. Every child in this
//! chapter is written that way: data it sends is built before the fork, and it ends with `_exit`.
//!
//! `fork_child` and `kill_and_reap` live in `common::process` (feature `process`), shared with
//! chapters 15 and 20; this file re-exports them beside the chapter's own helpers.
//!
//! Used by every example of the chapter; not run on its own. Mirrors what `multiprocessing`'s
//! "fork" start method does under the book's `Process(target=...)` (`Chapter06/example1–6.py`).

use std::time::Duration;

use nix::errno::Errno;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

/// Forks a child that runs a closure and `_exit`s with its code; the closure must call only
/// async-signal-safe functions (see the module doc). Shared with chapters 15 and 20.
pub use common::process::fork_child;
/// Kills a child with SIGKILL and reaps it, so no zombie is left behind.
pub use common::process::kill_and_reap;

/// Sleeps in the child: `nanosleep`, async-signal-safe, and no allocation.
pub fn child_sleep(d: Duration) {
    std::thread::sleep(d);
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
