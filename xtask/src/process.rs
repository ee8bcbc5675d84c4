//! Child processes with an optional time limit: spawn, collect (and optionally echo) their output,
//! and kill them when they overrun, so the runner itself never hangs.
//!
//! A `cargo test` child starts the test binary as its own child; killing cargo alone would leave
//! a deadlocked test binary running. So a child with a time limit gets its own process group, and
//! an overrun kills the whole group (`kill -s KILL -- -PGID`, no extra crates). Output is read on
//! helper threads, so a chatty child never blocks on a full pipe, and a grandchild that keeps a
//! pipe open after the group is killed cannot make us wait for ever either.
//!
//! A caveat of the separate group: Ctrl-C in a terminal reaches only the foreground group (us),
//! so a timed child outlives an interrupted runner until its own watchdog or a closed pipe ends
//! it. Children without a time limit stay in our group and are interrupted with us.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// What to do with one of the child's output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Pass it straight through to ours (not collected).
    Inherit,
    /// Collect it silently.
    Capture,
    /// Collect it and echo each line to the same stream of ours as it arrives.
    Tee,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited on its own (with a code or a signal).
    Exited(ExitStatus),
    /// It overran its time limit and its process group was killed.
    TimedOut(Duration),
}

impl Ending {
    /// Whether it exited on its own with status 0.
    pub fn success(&self) -> bool {
        matches!(self, Self::Exited(status) if status.success())
    }
}

/// A finished child: how it ended, what it printed (on captured streams) and how long it took.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How it ended.
    pub ending: Ending,
    /// Its standard output, if captured.
    pub stdout: String,
    /// Its standard error, if captured.
    pub stderr: String,
    /// Wall-clock time from spawn to exit (or kill).
    pub elapsed: Duration,
}

/// How often the child is polled for its exit.
const POLL: Duration = Duration::from_millis(20);
/// How long to wait for output readers once the child is gone.
const DRAIN: Duration = Duration::from_secs(3);

/// Runs `command` to completion, or kills its process group once `limit` has passed.
pub fn run(
    command: Command,
    stdout: Stream,
    stderr: Stream,
    limit: Option<Duration>,
) -> Result<Finished> {
    run_inspecting(command, stdout, stderr, limit, &|_| ())
}

/// [`run`], calling `before_kill` with the child's pid when it overran, before it is killed: the
/// moment to ask what it was blocked on.
pub fn run_inspecting(
    mut command: Command,
    stdout: Stream,
    stderr: Stream,
    limit: Option<Duration>,
    before_kill: &dyn Fn(u32),
) -> Result<Finished> {
    command.stdin(Stdio::null());
    command.stdout(stdio(stdout));
    command.stderr(stdio(stderr));
    if limit.is_some() {
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", describe(&command)))?;
    let out_reader = child
        .stdout
        .take()
        .map(|pipe| Reader::spawn(pipe, stdout == Stream::Tee, Echo::Stdout));
    let err_reader = child
        .stderr
        .take()
        .map(|pipe| Reader::spawn(pipe, stderr == Stream::Tee, Echo::Stderr));

    let ending = wait(&mut child, started, limit, before_kill)?;
    let elapsed = started.elapsed();
    let drain_until = Instant::now() + DRAIN;
    Ok(Finished {
        ending,
        stdout: out_reader.map_or_else(String::new, |r| r.finish(drain_until)),
        stderr: err_reader.map_or_else(String::new, |r| r.finish(drain_until)),
        elapsed,
    })
}

fn stdio(stream: Stream) -> Stdio {
    match stream {
        Stream::Inherit => Stdio::inherit(),
        Stream::Capture | Stream::Tee => Stdio::piped(),
    }
}

fn wait(
    child: &mut Child,
    started: Instant,
    limit: Option<Duration>,
    before_kill: &dyn Fn(u32),
) -> Result<Ending> {
    let Some(limit) = limit else {
        return Ok(Ending::Exited(
            child.wait().context("cannot wait for a child")?,
        ));
    };
    loop {
        if let Some(status) = child.try_wait().context("cannot poll a child")? {
            return Ok(Ending::Exited(status));
        }
        if started.elapsed() >= limit {
            before_kill(child.id());
            kill_group(child);
            return Ok(Ending::TimedOut(limit));
        }
        thread::sleep(POLL);
    }
}

/// Kills the child's whole process group (the child is its leader), then reaps the child.
fn kill_group(child: &mut Child) {
    let pgid = child.id();
    let killed = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !killed {
        // No `kill` program, or the group is already gone: at least end the child itself.
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// A one-line description of a command, for messages: `cargo test -p chapter-12`.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    if let Some(name) = std::path::Path::new(&text).file_name() {
        text = name.to_string_lossy().into_owned();
    }
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Our exit code for a child's ending: its own code, 1 for a signal or a timeout.
pub fn exit_code(ending: &Ending) -> ExitCode {
    match ending {
        Ending::Exited(status) => match status.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Ending::TimedOut(_) => ExitCode::FAILURE,
    }
}

#[derive(Debug, Clone, Copy)]
enum Echo {
    Stdout,
    Stderr,
}

/// A thread that reads one pipe line by line into a shared buffer.
struct Reader {
    text: Arc<Mutex<String>>,
    done: Receiver<()>,
}

impl Reader {
    fn spawn(pipe: impl Read + Send + 'static, tee: bool, echo: Echo) -> Self {
        let text = Arc::new(Mutex::new(String::new()));
        let (done_tx, done) = mpsc::channel();
        let shared = Arc::clone(&text);
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let chunk = String::from_utf8_lossy(&line);
                        if tee {
                            echo_line(echo, &chunk);
                        }
                        if let Ok(mut text) = shared.lock() {
                            text.push_str(&chunk);
                        }
                    }
                }
            }
            let _ = done_tx.send(());
        });
        Self { text, done }
    }

    /// Waits (until `deadline` at most) for the pipe to close, then returns what was read.
    fn finish(self, deadline: Instant) -> String {
        let _ = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        match self.text.lock() {
            Ok(text) => text.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

fn echo_line(echo: Echo, chunk: &str) {
    // A closed stdout (`| head`) is not worth a panic on a helper thread.
    let _ = match echo {
        Echo::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(chunk.as_bytes()).and_then(|()| out.flush())
        }
        Echo::Stderr => std::io::stderr().lock().write_all(chunk.as_bytes()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn output_and_exit_status_are_collected() {
        let finished = run(
            sh("echo out; echo err >&2; exit 3"),
            Stream::Capture,
            Stream::Capture,
            Some(Duration::from_secs(20)),
        )
        .expect("runs");
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr, "err\n");
        assert!(!finished.ending.success());
        assert_eq!(exit_code(&finished.ending), ExitCode::from(3));
    }

    #[test]
    fn an_overrun_kills_the_whole_group_and_keeps_earlier_output() {
        // The shell starts a grandchild that would outlive a kill of the shell alone and hold
        // the pipe open: only killing the group ends it promptly.
        let started = Instant::now();
        let finished = run(
            sh("echo before; sleep 30 & sleep 30; echo never"),
            Stream::Capture,
            Stream::Capture,
            Some(Duration::from_millis(300)),
        )
        .expect("runs");
        assert_eq!(
            finished.ending,
            Ending::TimedOut(Duration::from_millis(300))
        );
        assert_eq!(finished.stdout, "before\n");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn commands_are_described_in_one_line() {
        let mut command = Command::new("/usr/bin/cargo");
        command.args(["test", "-p", "chapter-12"]);
        assert_eq!(describe(&command), "cargo test -p chapter-12");
    }
}
