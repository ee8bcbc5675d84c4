//! Signals: asking a worker process to stop (SIGTERM, which it may handle for a clean shutdown)
//! versus stopping it (SIGKILL, which it cannot catch), what the parent sees for each, and the
//! zombie a dead child stays until its parent reaps it.
//!
//! A forked worker loops doing "work" (short sleeps). The parent sends it a signal, then watches
//! `/proc/<pid>/stat` turn to state `Z` (zombie: dead, but its exit status kept for the parent),
//! then reaps it with a join under a deadline (exercise 6.1's `wait_timeout`).
//! - `graceful`: the worker installs a SIGTERM handler that only sets an atomic flag (the one
//!   thing a handler may safely do); the loop sees the flag, cleans up and exits with code 0.
//! - `default`: no handler: SIGTERM's default action ends the worker; the parent sees
//!   `Signaled(SIGTERM)`, and the worker's cleanup never ran.
//! - `sigkill`: a handler is installed, but the parent sends SIGKILL: no handler runs, ever;
//!   `Signaled(SIGKILL)`.
//!
//! A race to avoid: if SIGTERM arrived before the child installed its handler, the default action
//! would kill it. So the parent blocks SIGTERM before forking (the child inherits the mask), and
//! the child unblocks it only after installing the handler: a signal sent early waits, pending.
//!
//! Run: `cargo run -p chapter-6 -- run signals [--variant graceful|default|sigkill]`. Expect the
//! ending named in each variant, a zombie observed, and no zombie left. The book's chapter 6
//! stops processes with `terminate()` (SIGTERM) behind its daemon examples (`example4.py`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::{Outcome, RunConfig, Verdict};
use nix::sys::signal::{
    SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal, kill, pthread_sigmask, sigaction,
};
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;

use crate::fork::{child_sleep, describe, fork_child, kill_and_reap, proc_stat, reaped};
use crate::wait_timeout::wait_timeout;

/// Set by the SIGTERM handler in the worker (its own copy of this static, after the fork).
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigterm(_: nix::libc::c_int) {
    // Async-signal-safe: a lock-free atomic store, nothing else.
    STOP.store(true, Ordering::SeqCst);
}

/// Exit code of a worker that shut down cleanly after SIGTERM.
pub const CLEAN_EXIT: i32 = 0;
/// Exit code of a worker whose loop ran out (no signal came): a failure of the example.
pub const NO_SIGNAL_EXIT: i32 = 7;

common::variants! {
    /// Which lesson a run shows.
    pub enum Plan {
        /// Handler installed; SIGTERM sent.
        Graceful = "graceful": "a handler sets a flag; the worker cleans up and exits 0",
        /// No handler; SIGTERM sent.
        Default = "default": "no handler: SIGTERM kills the worker before its cleanup",
        /// Handler installed; SIGKILL sent.
        Sigkill = "sigkill": "a handler is installed, but SIGKILL cannot be caught",
    }
}

/// What the parent saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The status `waitpid` returned, or `None` if the join timed out (the child was then killed).
    pub status: Option<WaitStatus>,
    /// `/proc/<pid>/stat` showed state `Z` before the reap.
    pub zombie_seen: bool,
    /// After the reap, `waitpid` on the pid answered ECHILD.
    pub reaped: bool,
}

#[allow(unsafe_code)]
fn install_handler() -> bool {
    let action = SigAction::new(
        SigHandler::Handler(on_sigterm),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to a lock-free atomic, which is async-signal-safe, and it
    // replaces no handler anyone else relies on (this runs in a freshly forked worker).
    unsafe { sigaction(Signal::SIGTERM, &action) }.is_ok()
}

/// Forks a worker, signals it, watches it become a zombie, and reaps it within `budget`.
pub fn signal_worker(plan: Plan, budget: Duration) -> anyhow::Result<Seen> {
    let mut term = SigSet::empty();
    term.add(Signal::SIGTERM);
    let mut old = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&term), Some(&mut old)).context("sigmask")?;
    let iterations = (budget.as_millis() / 5).max(1) as u64;
    // The worker calls only sigaction, pthread_sigmask, nanosleep and atomic loads.
    let forked = fork_child(move || {
        if plan != Plan::Default && !install_handler() {
            return 3;
        }
        let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&term), None);
        for _ in 0..iterations {
            if STOP.load(Ordering::SeqCst) {
                // Clean shutdown: flush, close, remove temp files... then a chosen exit code.
                return CLEAN_EXIT;
            }
            child_sleep(Duration::from_millis(5));
        }
        NO_SIGNAL_EXIT
    });
    // Restore this thread's mask whether or not the fork worked.
    pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None).context("sigmask")?;
    let child = forked?;
    let signal = if plan == Plan::Sigkill {
        Signal::SIGKILL
    } else {
        Signal::SIGTERM
    };
    kill(child, signal).context("kill")?;
    let deadline = Instant::now() + budget;
    let zombie_seen = wait_for_zombie(child, deadline);
    let status = wait_timeout(child, deadline.saturating_duration_since(Instant::now()))?;
    if status.is_none() {
        kill_and_reap(child)?;
    }
    Ok(Seen {
        status,
        zombie_seen,
        reaped: reaped(child),
    })
}

/// Polls `/proc/<pid>/stat` until the state field is `Z`, or the deadline.
fn wait_for_zombie(pid: Pid, deadline: Instant) -> bool {
    while Instant::now() < deadline {
        if proc_stat(pid).is_some_and(|(state, _)| state == 'Z') {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

/// Whether `seen` is what `plan` should produce.
pub fn as_expected(plan: Plan, seen: &Seen) -> bool {
    let ending_ok = matches!(
        (plan, &seen.status),
        (Plan::Graceful, Some(WaitStatus::Exited(_, CLEAN_EXIT)))
            | (
                Plan::Default,
                Some(WaitStatus::Signaled(_, Signal::SIGTERM, _))
            )
            | (
                Plan::Sigkill,
                Some(WaitStatus::Signaled(_, Signal::SIGKILL, _))
            )
    );
    ending_ok && seen.zombie_seen && seen.reaped
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let plan = config.variant_of::<Plan>()?;
    let seen = signal_worker(plan, config.budget())?;
    let (sent, setup, lesson) = match plan {
        Plan::Graceful => (
            "SIGTERM",
            "with a SIGTERM handler that sets a flag",
            "the worker saw the flag, cleaned up and chose its exit code",
        ),
        Plan::Default => (
            "SIGTERM",
            "with no handler",
            "SIGTERM's default action ended the worker before its cleanup",
        ),
        Plan::Sigkill => (
            "SIGKILL",
            "with a SIGTERM handler",
            "SIGKILL cannot be caught: no handler ran, no cleanup",
        ),
    };
    let ending = seen.status.as_ref().map_or(
        "still running at the deadline (killed and reaped)".to_string(),
        describe,
    );
    Ok(config.outcome(Verdict::from(as_expected(plan, &seen)))
        .line(format!("A forked worker {setup} was sent {sent}; the parent saw it {ending}: {lesson}."))
        .line(format!(
            "Before the reap the dead worker was a zombie (state Z in /proc): {}. After waitpid it was gone (ECHILD): {}.",
            if seen.zombie_seen { "seen" } else { "NOT seen" },
            common::format::yes_no(seen.reaped)
        ))
        .key_figure("exit code (or -signal)", match seen.status {
            Some(WaitStatus::Exited(_, code)) => f64::from(code),
            Some(WaitStatus::Signaled(_, sig, _)) => -f64::from(sig as i32),
            _ => f64::NAN,
        }, "")
        .notice("ask with SIGTERM and handle it with a flag; SIGKILL is the last resort, and always reap"))
}
