//! Hostile clients for the servers' test suites: raw `std::net` sockets that send what they
//! like, half-close, reset, or never read.
//!
//! Every read and write has a generous timeout, a hang guard only: a server that never answers
//! fails the test with a clear message instead of hanging it. Verdicts come from replies and from
//! the server's own counters ([`wait_until`] polls them), never from the clock. Used by the
//! `hostile` tests of chapters 5, 11 and 18 (`cargo test -p chapter-18 --test hostile`).
//! [`ServerProcess`] runs a real `serve` binary for the tests that signal it, and kills and
//! reaps it however the test ends, so a failed assertion never leaves a server behind.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

/// How long any one read, write or wait may take before the test calls it a hang.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// Connects, with [`HANG_GUARD`] as the read and write timeout.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(HANG_GUARD))
        .expect("sets a read timeout");
    stream
        .set_write_timeout(Some(HANG_GUARD))
        .expect("sets a write timeout");
    stream
}

/// Reads until the server closes; panics if it neither sends nor closes within the guard.
pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => got,
        // A reset after our own unread input is still the server closing.
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => got,
        Err(e) => panic!(
            "the server did not close the connection ({e}); it had sent {:?}",
            String::from_utf8_lossy(&got)
        ),
    }
}

/// Sends `bytes`, half-closes if asked (`shutdown(SHUT_WR)`, as `nc -N` does), and returns all
/// the server sends until it closes.
pub fn exchange(addr: SocketAddr, bytes: &[u8], half_close: bool) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(bytes).expect("sends the request");
    if half_close {
        stream.shutdown(Shutdown::Write).expect("half-closes");
    }
    read_to_close(&mut stream)
}

/// Reads one `\n`-terminated line (without it) through `reader`.
pub fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("no line from the server ({e})"));
    line.trim_end_matches(['\r', '\n']).to_string()
}

/// Closes `stream` with a reset instead of a FIN (`SO_LINGER` 0): the abrupt client.
pub fn reset(stream: TcpStream) {
    let linger = nix::libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    nix::sys::socket::setsockopt(&stream, nix::sys::socket::sockopt::Linger, &linger)
        .expect("sets SO_LINGER 0");
    drop(stream);
}

/// Polls `ready` until it holds; panics naming `what` after [`HANG_GUARD`].
pub fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG_GUARD;
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "waited {} s for {what}",
            HANG_GUARD.as_secs()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A server binary under test, with its stdout piped and read line by line. Dropping it kills
/// the process (`SIGKILL` ends a stopped one too) and reaps it, on every path, a panic included.
pub struct ServerProcess {
    child: Child,
    /// The server's stdout: its start-up lines, then what it prints when it stops.
    pub stdout: BufReader<ChildStdout>,
}

impl ServerProcess {
    /// Starts `command` with stdout piped and stderr discarded.
    pub fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = child.stdout.take().expect("a piped stdout");
        ServerProcess {
            child,
            stdout: BufReader::new(stdout),
        }
    }

    /// The next line the server prints.
    pub fn read_line(&mut self) -> String {
        read_line(&mut self.stdout)
    }

    /// Sends `signal` to the server.
    pub fn signal(&self, signal: Signal) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits an i32");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal)
            .unwrap_or_else(|e| panic!("cannot send {signal} to the server: {e}"));
    }

    /// Waits (at most [`HANG_GUARD`]) for the server to exit and returns how it ended.
    pub fn wait_for_exit(&mut self) -> ExitStatus {
        let mut status = None;
        wait_until("the server to exit", || {
            status = self.child.try_wait().expect("waits for the server");
            status.is_some()
        });
        status.expect("the server exited")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `n` pseudo-random bytes from `seed` (the same bytes every run).
pub fn garbage(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = crate::rng::SplitMix64::new(seed);
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Connects `n` clients to a listener that never accepts; true if every handshake
    /// completed at once (the kernel completes them into the listen backlog).
    fn burst_fits_backlog(listener: &std::net::TcpListener, n: usize, wait: Duration) -> bool {
        let addr = listener.local_addr().expect("an address");
        let mut held = Vec::new();
        for _ in 0..n {
            match TcpStream::connect_timeout(&addr, wait) {
                Ok(stream) => held.push(stream),
                Err(_) => return false,
            }
        }
        true
    }

    #[test]
    fn the_listen_backlog_holds_a_burst_that_overflows_128() {
        let listener = crate::net::listen(SocketAddr::from(([127, 0, 0, 1], 0))).expect("binds");
        // Loopback handshakes complete in microseconds: the wait is only a hang guard.
        assert!(burst_fits_backlog(&listener, 300, Duration::from_secs(5)));
        // The check can fail: std's own backlog of 128 does not hold the same burst (the kernel
        // drops the 130th SYN, which the client would retry only after a second).
        let short = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        assert!(!burst_fits_backlog(&short, 300, Duration::from_millis(300)));
    }
}
