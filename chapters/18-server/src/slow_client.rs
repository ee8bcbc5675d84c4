//! A slow client against the blocking server: why its idle timeout is not enough, and the fix.
//!
//! The blocking server (the book's example3.py) serves one client at a time. Its idle timeout
//! closes a client that says *nothing* for a while, but it counts silence, not progress: a
//! client that sends one byte every 100 ms, never finishing a line, is never idle, and holds the
//! server for as long as it likes while the next client waits in the listen backlog, unwelcomed.
//! (Real slowloris clients send a byte a second for hours.)
//!
//! Variants, both with the same two clients: A trickles a byte every 100 ms for 1 s (the idle
//! timeout is 300 ms); B connects 100 ms in and asks `1,2`.
//! - `idle-timeout`: the server as it is. B is welcomed only after A gives up: A held the server
//!   for its whole second.
//! - `deadline`: a deadline per request (500 ms from a line's first byte to its newline,
//!   [`crate::blocking::serve_with_deadline`]). A is told `error: request too slow, closing`
//!   and closed halfway through its bytes; B is welcomed at once.
//!
//! The verdict rests on events (did A send every byte? was B welcomed before A gave up? was A
//! told?), never on a time; the times are figures. The reactor and tokio servers are not held up at all: each client waits
//! only for itself.
//!
//! Run: `cargo run -p chapter-18 -- run slow-client [--variant idle-timeout|deadline]`.
//! Book: chapter 18, example3.py (no timeouts at all).

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Outcome, RunConfig, Verdict};

use crate::lifecycle::{Shutdown, Stats};
use crate::protocol::{Limits, SLOW, WELCOME};

/// The server's idle timeout: longer than the slow client's gap between bytes.
const IDLE: Duration = Duration::from_millis(300);
/// The slow client's gap between bytes.
const GAP: Duration = Duration::from_millis(100);
/// How many bytes the slow client sends before it gives up (1 s of trickling).
const BYTES: usize = 10;
/// The per-request deadline of the fixed server.
const DEADLINE: Duration = Duration::from_millis(500);

common::variants! {
    /// How the blocking server limits a client.
    pub enum Guard {
        /// Only the idle timeout (silence).
        IdleTimeout = "idle-timeout": "only an idle timeout: a byte every 100 ms holds the one-at-a-time server, the next client waits",
        /// A deadline per request.
        Deadline = "deadline": "a deadline per request line: the trickling client is closed, the next one served",
    }
}

/// What happened to the two clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// From B's connect to its welcome line.
    pub b_waited: Duration,
    /// B was welcomed while A was still sending.
    pub b_served_while_a_trickled: bool,
    /// Bytes A sent before it gave up or was closed (of [`BYTES`]).
    pub a_sent: usize,
    /// A was told its request was too slow.
    pub a_told_too_slow: bool,
    /// How long A held on (until it gave up or was closed).
    pub a_held: Duration,
    /// B's answer to `1,2` was `3`.
    pub b_answered: bool,
}

/// The slow client: a byte every [`GAP`], never a newline, until [`BYTES`] or the server
/// closes. Returns whether it was told [`SLOW`], how many bytes it sent and how long it held on.
fn trickle(addr: SocketAddr, trickling: &AtomicBool) -> anyhow::Result<(bool, usize, Duration)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut heard = Vec::new();
    let mut buf = [0u8; 256];
    // The welcome: the server has accepted A (before B connects).
    let n = std::io::Read::read(&mut stream, &mut buf)?;
    heard.extend_from_slice(&buf[..n]);
    // Waiting for the server's words is also the gap between bytes.
    stream.set_read_timeout(Some(GAP))?;
    let started = Instant::now();
    let mut closed = false;
    let mut sent = 0;
    for _ in 0..BYTES {
        if closed || stream.write_all(b"1").is_err() {
            break;
        }
        sent += 1;
        match std::io::Read::read(&mut stream, &mut buf) {
            Ok(0) => closed = true,
            Ok(n) => heard.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => closed = true,
        }
    }
    let held = started.elapsed();
    trickling.store(false, Ordering::SeqCst);
    drop(stream);
    Ok((String::from_utf8_lossy(&heard).contains(SLOW), sent, held))
}

/// The second client: connects, waits for its welcome, asks `1,2`.
fn ask(addr: SocketAddr, trickling: &AtomicBool) -> anyhow::Result<(Duration, bool, bool)> {
    let connected = Instant::now();
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut welcome = String::new();
    reader.read_line(&mut welcome)?;
    let waited = connected.elapsed();
    let while_a_trickled = trickling.load(Ordering::SeqCst);
    anyhow::ensure!(
        welcome.trim_end() == WELCOME,
        "B was welcomed with {welcome:?}"
    );
    (&stream).write_all(b"1,2\nquit\n")?;
    let mut answer = String::new();
    reader.read_line(&mut answer)?;
    Ok((waited, while_a_trickled, answer.trim_end() == "3"))
}

/// Runs the blocking server (with or without the deadline) against the two clients.
pub fn measure(guard: Guard) -> anyhow::Result<Run> {
    let listener = common::net::listen(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let addr = listener.local_addr()?;
    let limits = Limits {
        idle_timeout: IDLE,
        ..Limits::default()
    };
    let deadline = match guard {
        Guard::IdleTimeout => None,
        Guard::Deadline => Some(DEADLINE),
    };
    let (stats, shutdown) = (Arc::new(Stats::default()), Shutdown::default());
    let server = {
        let (stats, shutdown) = (Arc::clone(&stats), shutdown.clone());
        std::thread::spawn(move || {
            crate::blocking::serve_with_deadline(listener, limits, deadline, &stats, &shutdown)
        })
    };
    let trickling = Arc::new(AtomicBool::new(true));
    let a = {
        let trickling = Arc::clone(&trickling);
        std::thread::spawn(move || trickle(addr, &trickling))
    };
    // B connects once A is being served (A's welcome arrived).
    let wait = Instant::now() + Duration::from_secs(5);
    while stats.snapshot().accepted == 0 && Instant::now() < wait {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(GAP);
    let b = ask(addr, &trickling);
    let a = a
        .join()
        .map_err(|_| anyhow::anyhow!("the slow client panicked"))?;
    shutdown.trigger();
    crate::blocking::wake(addr);
    let _ = server.join();
    let (a_told_too_slow, a_sent, a_held) = a?;
    let (b_waited, b_served_while_a_trickled, b_answered) = b?;
    Ok(Run {
        b_waited,
        b_served_while_a_trickled,
        a_sent,
        a_told_too_slow,
        a_held,
        b_answered,
    })
}

/// The example: `run slow-client [--variant idle-timeout|deadline]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let guard = config.variant_of::<Guard>()?;
    let run = measure(guard)?;
    // What each variant teaches, from events, not times: without a deadline A sends every
    // byte and B is welcomed only after A gave up; with one A is cut off mid-trickle, told why,
    // and B is served.
    let showed = run.b_answered
        && match guard {
            Guard::IdleTimeout => {
                run.a_sent == BYTES && !run.b_served_while_a_trickled && !run.a_told_too_slow
            }
            Guard::Deadline => run.a_sent < BYTES && run.a_told_too_slow,
        };
    let verdict = Verdict::from(showed);
    let line = match guard {
        Guard::IdleTimeout => format!(
            "a client sending a byte every {} ms is never idle ({} ms timeout): it held the server {}, and B waited {} for its welcome",
            GAP.as_millis(),
            IDLE.as_millis(),
            common::timing::human(run.a_held),
            common::timing::human(run.b_waited)
        ),
        Guard::Deadline => format!(
            "a {} ms deadline per request closed the trickling client after {} and {} of its {} bytes (told: {}); B was welcomed after {}",
            DEADLINE.as_millis(),
            common::timing::human(run.a_held),
            run.a_sent,
            BYTES,
            common::format::yes_no(run.a_told_too_slow),
            common::timing::human(run.b_waited)
        ),
    };
    Ok(config
        .outcome(verdict)
        .duration("B waited for its welcome", run.b_waited)
        .as_key()
        .duration("the slow client held on", run.a_held)
        .count("bytes the slow client sent", run.a_sent, "bytes")
        .flag("A told its request was too slow", run.a_told_too_slow)
        .line(line)
        .notice("the idle timeout counts silence, not progress: the fix is a deadline per request"))
}
