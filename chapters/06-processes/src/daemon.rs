//! A child that dies with its parent, one that outlives it, and a join with a timeout.
//!
//! The book's `Process(daemon=True)` is killed when the main process exits (example4), and
//! `p.join(1)` gives up after a second while `p.is_alive()` still says `True` (example5). A Unix
//! process does not die with its parent by itself: an orphan is adopted (by init or a
//! "subreaper") and runs on. Linux can tie a child to its parent with
//! `prctl(PR_SET_PDEATHSIG, SIGKILL)`: when the parent ends, the kernel kills the child.
//!
//! Variants:
//! - `orphan`: a middle process forks a long-running worker, then exits. The worker runs on,
//!   adopted by another process (its parent pid changes). The example then kills it to clean up.
//! - `pdeathsig`: the same, but the worker first asks for SIGKILL on its parent's death (and
//!   checks it was not orphaned already, a race `prctl` alone misses). It dies with the middle
//!   process, as the book's daemon does.
//! - `join-timeout`: join a worker that runs for seconds with a short timeout (exercise 6.1's
//!   `wait_timeout`): it returns "still running"; `is_alive` (a `WNOHANG` wait) says true; the
//!   parent then kills it and reaps it.
//!
//! Run: `cargo run -p chapter-6 -- run daemon-and-join-timeout [--variant ...]`. Mirrors
//! `Chapter06/example4.py` and `example5.py`.

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::{Outcome, RunConfig, Verdict, format};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getpid, getppid, pipe, read, write};

use crate::fork::{child_sleep, describe, fork_child, kill_and_reap, proc_stat};
use crate::wait_timeout::wait_timeout;

/// Running (exists and is neither a zombie nor dead).
fn running(pid: Pid) -> bool {
    proc_stat(pid).is_some_and(|(s, _)| s != 'Z' && s != 'X')
}

/// Is `child` (our own child) still running? A `WNOHANG` wait: never blocks, reaps if it ended.
pub fn is_alive(child: Pid) -> bool {
    matches!(
        waitpid(child, Some(WaitPidFlag::WNOHANG)),
        Ok(WaitStatus::StillAlive)
    )
}

/// What happened to a grandchild whose parent exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// The middle process's pid.
    pub middle: Pid,
    /// The worker's pid.
    pub worker: Pid,
    /// The worker was still running `grace` after its parent ended.
    pub outlived_parent: bool,
    /// Its parent pid then (who adopted it), if it was running.
    pub adopted_by: Option<i32>,
}

/// Forks a middle process that forks a worker (running up to `life`), reports its pid, and
/// exits; then watches the worker for `grace`. With `pdeathsig`, the worker dies with the middle
/// process. A worker still running at the end is killed (the example cleans up after itself).
pub fn orphan(pdeathsig: bool, life: Duration, grace: Duration) -> anyhow::Result<Orphan> {
    let (rx, tx) = pipe().context("pipe")?;
    // The middle process and the worker call only fork, getpid, getppid, prctl, nanosleep,
    // write and _exit.
    let middle = fork_child(move || {
        let me = getpid();
        let worker = fork_child(move || {
            if pdeathsig
                && (nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err() || getppid() != me)
            {
                return 2; // orphaned before prctl took effect: leave at once
            }
            let end = (life.as_millis() / 10).max(1);
            for _ in 0..end {
                child_sleep(Duration::from_millis(10));
            }
            0
        });
        match worker {
            Ok(pid) => match write(&tx, &pid.as_raw().to_le_bytes()) {
                Ok(4) => 0,
                _ => 1,
            },
            Err(_) => 1,
        }
    })?;

    let deadline = Instant::now() + life;
    let mut fds = [PollFd::new(rx.as_fd(), PollFlags::POLLIN)];
    let ready = poll(&mut fds, PollTimeout::from(1000u16)).context("poll")?;
    let mut buf = [0u8; 4];
    let got = if ready > 0 {
        read(std::os::fd::AsRawFd::as_raw_fd(&rx), &mut buf).unwrap_or(0)
    } else {
        0
    };
    // Reap the middle process (it exits right after writing).
    if wait_timeout(middle, Duration::from_secs(1))?.is_none() {
        kill_and_reap(middle)?;
        bail!("the middle process did not exit");
    }
    if got != 4 {
        bail!("the middle process did not report its worker's pid");
    }
    let worker = Pid::from_raw(i32::from_le_bytes(buf));
    // Watch for `grace`: a pdeathsig worker should be gone well within it.
    let watch_until = (Instant::now() + grace).min(deadline);
    while Instant::now() < watch_until && running(worker) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let outlived_parent = running(worker);
    let adopted_by = proc_stat(worker)
        .filter(|_| outlived_parent)
        .map(|(_, ppid)| ppid);
    if outlived_parent {
        // Not our child: we can kill it, but its adopter reaps it.
        let _ = kill(worker, Signal::SIGKILL);
    }
    Ok(Orphan {
        middle,
        worker,
        outlived_parent,
        adopted_by,
    })
}

/// What a join with a timeout saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// `wait_timeout` returned this (None: still running at the timeout).
    pub joined: Option<WaitStatus>,
    /// `is_alive` right after the timed-out join.
    pub alive_after: bool,
    /// The final status after the parent killed and reaped it.
    pub finally: WaitStatus,
}

/// Forks a worker that runs for `life`, joins it with `timeout`, checks `is_alive`, then kills
/// and reaps it.
pub fn join_with_timeout(life: Duration, timeout: Duration) -> anyhow::Result<Join> {
    let child = fork_child(move || {
        child_sleep(life);
        0
    })?;
    let joined = wait_timeout(child, timeout)?;
    let alive_after = joined.is_none() && is_alive(child);
    let finally = match joined {
        Some(status) => status,
        None => kill_and_reap(child)?,
    };
    debug_assert!(waitpid(child, Some(WaitPidFlag::WNOHANG)) == Err(Errno::ECHILD));
    Ok(Join {
        joined,
        alive_after,
        finally,
    })
}

common::variants! {
    /// What becomes of the worker.
    pub enum Fate {
        /// It outlives its parent, adopted.
        Orphan = "orphan": "the worker's parent exits; the worker is adopted and runs on",
        /// It dies with its parent (`PR_SET_PDEATHSIG`).
        Pdeathsig = "pdeathsig": "the worker asked for SIGKILL on its parent's death: it dies with it",
        /// It is joined with a timeout, then killed.
        JoinTimeout = "join-timeout": "join(timeout) returns while the worker runs; is_alive says true; kill and reap",
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Fate>()? {
        Fate::Orphan => run_orphan(config, false),
        Fate::Pdeathsig => run_orphan(config, true),
        Fate::JoinTimeout => run_join_timeout(config),
    }
}

/// The `join-timeout` variant.
fn run_join_timeout(config: &RunConfig) -> anyhow::Result<Outcome> {
    let timeout = config.pick(Duration::from_millis(200), Duration::from_secs(1));
    let life = config.pick(Duration::from_secs(2), Duration::from_secs(4));
    let j = join_with_timeout(life, timeout)?;
    let ok = j.joined.is_none()
        && j.alive_after
        && matches!(j.finally, WaitStatus::Signaled(_, Signal::SIGKILL, _));
    Ok(config.outcome(Verdict::from(ok))
        .line(format!(
            "A worker that runs for {} was joined with a timeout of {}: the join returned {}; is_alive() then said {}.",
            common::format::duration(life),
            common::format::duration(timeout),
            if j.joined.is_none() { "\"still running\"" } else { "a status" },
            format::yes_no(j.alive_after)
        ))
        .line(format!("The parent then killed it and reaped it; waitpid reported: {}.", describe(&j.finally)))
        .flag("alive after the timed-out join", j.alive_after)
        .as_key()
        .notice("a join with a timeout is a WNOHANG wait polled until a deadline"))
}

/// The `orphan` and `pdeathsig` variants: the worker asks for SIGKILL on its parent's death if
/// `pdeathsig`.
fn run_orphan(config: &RunConfig, pdeathsig: bool) -> anyhow::Result<Outcome> {
    let life = config.pick(Duration::from_secs(2), Duration::from_secs(4));
    let grace = config.pick(Duration::from_millis(300), Duration::from_secs(1));
    let o = orphan(pdeathsig, life, grace)?;
    let ok = o.outlived_parent != pdeathsig;
    let fate = if o.outlived_parent {
        format!(
            "was still running {} later, adopted by pid {} (this example then killed it)",
            format::duration(grace),
            o.adopted_by.map_or("?".to_string(), |p| p.to_string())
        )
    } else {
        "was gone within that time: the kernel killed it with its parent".to_string()
    };
    Ok(config
        .outcome(Verdict::from(ok))
        .line(format!(
            "Middle process {} forked worker {}{} and exited. The worker {fate}.",
            o.middle,
            o.worker,
            if pdeathsig {
                " with prctl(PR_SET_PDEATHSIG, SIGKILL)"
            } else {
                ""
            }
        ))
        .flag("worker outlived its parent", o.outlived_parent)
        .as_key()
        .notice(if pdeathsig {
            "PR_SET_PDEATHSIG gives the book's daemon=True: the child dies with its parent"
        } else {
            "a Unix child does not die with its parent: it is adopted and runs on"
        }))
}
