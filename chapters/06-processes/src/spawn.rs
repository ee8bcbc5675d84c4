//! Starting processes: the book's countdown workers, their names and pids, and how a parent
//! learns how its child ended — a normal exit with a code, or death by a signal.
//!
//! Two ways to start a process from Rust:
//! - `command`: `std::process::Command` runs a program from its start (here `sh`). Two named
//!   workers count down side by side (the book's example1–2), each printing its name, its pid and
//!   its parent's pid (example3); we check that the parent pid is ours. Then three children whose
//!   endings differ: `exit 3`, `/bin/true`, and a shell that kills itself with SIGKILL. An
//!   `ExitStatus` has `code()` for the first two and, on Unix, `signal()` for the third.
//! - `fork`: `nix::unistd::fork` copies this very process; the child continues on the next line.
//!   Three forked children `_exit(0)`, `_exit(3)` and SIGKILL themselves; `waitpid` tells them
//!   apart as `WaitStatus::Exited(pid, 0)`, `Exited(pid, 3)` and `Signaled(pid, SIGKILL, _)`.
//!   After `waitpid` a child is reaped: asking again answers ECHILD.
//!
//! Run: `cargo run -p chapter-6 -- run spawn [--variant command|fork]`. Expect every ending
//! distinguished and verdict "showed". Mirrors `Chapter06/example1.py`–`example3.py`.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use common::{Outcome, RunConfig, TableData, Verdict, format};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{Pid, getpid, getppid};

use crate::fork::{describe, fork_child, reaped};

/// How one child ended, as its parent saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Exited normally with this code.
    Exited(i32),
    /// Killed by this signal number.
    Signaled(i32),
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exited(code) => write!(f, "exited with code {code}"),
            Self::Signaled(sig) => match Signal::try_from(*sig) {
                Ok(signal) => write!(f, "killed by {}", signal.as_str()),
                Err(_) => write!(f, "killed by signal {sig}"),
            },
        }
    }
}

/// A named countdown worker run with `Command`: the lines it printed.
#[derive(Debug, Clone)]
pub struct Countdown {
    /// The worker's name (the book's `Process(name=...)`).
    pub name: String,
    /// The pid `Command` reported.
    pub pid: u32,
    /// The parent pid the child printed (`$PPID`).
    pub ppid_seen: u32,
    /// Its output lines.
    pub lines: Vec<String>,
    /// How it ended.
    pub ending: Ending,
}

/// Runs two named countdowns side by side with `sh` (`steps` steps, `step` apart) and waits
/// for both. Each prints `$$` (its pid) and `$PPID` first.
pub fn countdowns(steps: u32, step: Duration) -> anyhow::Result<Vec<Countdown>> {
    let secs = format!("{:.3}", step.as_secs_f64());
    let script =
        "echo $$ $PPID; i=$2; while [ $i -gt 0 ]; do echo \"$1: $i\"; i=$((i-1)); sleep $3; done";
    let children = ["Worker 1", "Worker 2"]
        .iter()
        .map(|name| {
            let child = Command::new("sh")
                .args(["-c", script, "sh", name, &steps.to_string(), &secs])
                .stdout(Stdio::piped())
                .spawn()
                .context("spawning sh")?;
            Ok((name.to_string(), child))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    children
        .into_iter()
        .map(|(name, child)| {
            let pid = child.id();
            let out = child.wait_with_output().context("waiting for sh")?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let mut lines = text.lines().map(str::to_string);
            let first = lines.next().unwrap_or_default();
            let ppid_seen = first
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            Ok(Countdown {
                name,
                pid,
                ppid_seen,
                lines: lines.collect(),
                ending: ending_of(out.status),
            })
        })
        .collect()
}

fn ending_of(status: std::process::ExitStatus) -> Ending {
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(sig)) => Ending::Signaled(sig),
        (None, None) => Ending::Exited(-1),
    }
}

/// Runs a shell script with `Command` and reports its ending and stdout.
pub fn run_sh(script: &str) -> anyhow::Result<(Ending, String)> {
    let out = Command::new("sh")
        .args(["-c", script])
        .stderr(Stdio::null())
        .output()
        .context("running sh")?;
    Ok((
        ending_of(out.status),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ))
}

/// What a forked child does before it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildPlan {
    /// `_exit(code)`, after checking its parent is `parent` (exit 99 if not).
    Exit(i32),
    /// Sends itself SIGKILL.
    KillSelf,
}

impl std::fmt::Display for ChildPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exit(code) => write!(f, "exit({code})"),
            Self::KillSelf => f.write_str("kill itself"),
        }
    }
}

/// Forks one child per plan, waits for each with `waitpid`, and returns (pid, status, reaped).
pub fn fork_and_wait(plans: &[ChildPlan]) -> anyhow::Result<Vec<(Pid, WaitStatus, bool)>> {
    let parent = getpid();
    let mut pids = Vec::with_capacity(plans.len());
    for &plan in plans {
        // The child calls only getppid, kill, getpid and _exit: all async-signal-safe.
        let pid = fork_child(move || match plan {
            ChildPlan::Exit(code) if getppid() == parent => code,
            ChildPlan::Exit(_) => 99,
            ChildPlan::KillSelf => {
                let _ = kill(getpid(), Signal::SIGKILL);
                98 // not reached: SIGKILL cannot be caught
            }
        })?;
        pids.push(pid);
    }
    pids.into_iter()
        .map(|pid| {
            // Each child ends on its own at once, so a blocking wait is bounded here.
            let status = loop {
                match waitpid(pid, None) {
                    Err(nix::errno::Errno::EINTR) => continue,
                    other => break other.context("waitpid")?,
                }
            };
            Ok((pid, status, reaped(pid)))
        })
        .collect()
}

common::variants! {
    /// How the workers are started.
    pub enum Api {
        /// `std::process::Command`.
        Command = "command": "std::process::Command: two sh countdowns, then exit 3, true, false, and a self-kill",
        /// `fork` and `waitpid`.
        Fork = "fork": "nix fork + waitpid: Exited(0), Exited(3), Signaled(SIGKILL), each reaped",
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Api>()? {
        Api::Command => run_command(config),
        Api::Fork => run_fork(config),
    }
}

/// The `command` variant: countdown workers and endings, through `Command`.
fn run_command(config: &RunConfig) -> anyhow::Result<Outcome> {
    let steps = config.pick(5, 5);
    let step = config.pick(Duration::from_millis(50), Duration::from_millis(500));
    let workers = countdowns(steps, step)?;
    let me = std::process::id();
    let mut table = TableData::new(
        "Two countdown workers started with Command",
        &[
            "name",
            "pid",
            "parent pid (as it saw it)",
            "lines",
            "ending",
        ],
    );
    let mut ok = true;
    for w in &workers {
        ok &= w.ppid_seen == me && w.lines.len() == steps as usize && w.ending == Ending::Exited(0);
        table.row([
            w.name.clone(),
            w.pid.to_string(),
            w.ppid_seen.to_string(),
            w.lines.len().to_string(),
            w.ending.to_string(),
        ]);
    }
    let (e3, out3) = run_sh("echo $$; exit 3")?;
    let (e_true, _) = run_sh("/bin/true")?;
    let (e_false, _) = run_sh("/bin/false")?;
    let (e_kill, _) = run_sh("kill -9 $$")?;
    let mut endings = TableData::new(
        "How children ended (ExitStatus::code / ExitStatusExt::signal)",
        &["command", "ending"],
    );
    for (cmd, e) in [
        ("sh -c 'echo $$; exit 3'", &e3),
        ("/bin/true", &e_true),
        ("/bin/false", &e_false),
        ("sh -c 'kill -9 $$'", &e_kill),
    ] {
        endings.row([cmd.to_string(), e.to_string()]);
    }
    ok &= e3 == Ending::Exited(3)
        && out3.parse::<u32>().is_ok()
        && e_true == Ending::Exited(0)
        && e_false == Ending::Exited(1)
        && e_kill == Ending::Signaled(Signal::SIGKILL as i32);
    let first_lines: Vec<&str> = workers
        .iter()
        .filter_map(|w| w.lines.first().map(String::as_str))
        .collect();
    Ok(config.outcome(Verdict::from(ok))
        .line(format!(
            "This process (pid {me}) started two `sh` countdowns at once; each printed its pid and its parent's pid, then counted down from {steps} ({}).",
            first_lines.join(", ")
        ))
        .table(table)
        .table(endings)
        .line(format!(
            "`sh -c 'echo $$; exit 3'` printed its pid {out3} and exited with code 3; the self-killed shell has no exit code, only a signal."
        ))
        .count("children started", workers.len() + 4, "processes").as_key()
        .notice("an exit code and a killing signal are different answers: code() is None when signal() is Some"))
}

fn run_fork(config: &RunConfig) -> anyhow::Result<Outcome> {
    let plans = [ChildPlan::Exit(0), ChildPlan::Exit(3), ChildPlan::KillSelf];
    let results = fork_and_wait(&plans)?;
    let mut table = TableData::new(
        "Forked children, as waitpid reported them",
        &[
            "child",
            "pid",
            "WaitStatus, in words",
            "reaped (ECHILD after)",
        ],
    );
    let mut ok = true;
    for ((pid, status, reaped), plan) in results.iter().zip(plans) {
        ok &= *reaped
            && match (plan, status) {
                (ChildPlan::Exit(c), WaitStatus::Exited(p, got)) => p == pid && c == *got,
                (ChildPlan::KillSelf, WaitStatus::Signaled(p, Signal::SIGKILL, _)) => p == pid,
                _ => false,
            };
        table.row([
            plan.to_string(),
            pid.to_string(),
            describe(status),
            format::yes_no(*reaped).to_string(),
        ]);
    }
    Ok(config.outcome(Verdict::from(ok))
        .line(format!(
            "This process (pid {}) forked {} children; each continued from the fork in a copy of this process.",
            getpid(),
            plans.len()
        ))
        .table(table)
        .line("Exited carries the code passed to _exit; Signaled the signal that ended the child. After waitpid the child is gone: waitpid on it again answers ECHILD, so no zombie is left.")
        .count("children reaped", results.iter().filter(|r| r.2).count(), "processes").as_key()
        .notice("fork returns twice: the child's pid in the parent, and 0 in the child"))
}
