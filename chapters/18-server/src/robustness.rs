//! What the book's servers did not survive, tried on the reactor and the tokio server.
//!
//! Each check is a real client doing something careless or hostile over loopback, with small
//! limits so the example is quick (64-byte lines, 4 connections, a 300 ms idle timeout):
//!
//! - malformed and binary input: answered with an error line, the connection stays usable;
//! - a line longer than the limit: one error line, the rest of it skipped, next line fine;
//! - a client vanishing mid-line: the half line is dropped, the server counts it and goes on;
//! - the connection limit: the fifth client is told the server is busy and closed;
//! - the idle timeout: a silent client is told and closed;
//! - graceful shutdown: requests already sent when shutdown starts are all answered, then the
//!   server closes every connection and stops accepting.
//!
//! The idle timeout is the one place this example waits on purpose: the wait is the subject.
//!
//! Run: `cargo run -p chapter-18 -- run robustness [--variant reactor|tokio]`.
//! Book: chapter 18, example6.py (which had none of these).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::format::yes_no;
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::protocol::{BUSY, IDLE, Limits, WELCOME};
use crate::server::{Impl, ServerHandle, start_local};

/// The example's small limits.
pub const LIMITS: Limits = Limits {
    max_line: 64,
    max_connections: 4,
    idle_timeout: Duration::from_millis(300),
};

/// A line-reading test client with a timeout on every read.
#[derive(Debug)]
pub struct LineClient {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl LineClient {
    /// Connects; does not read the welcome line.
    pub fn connect(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        Ok(Self {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        })
    }

    /// Connects and checks the welcome line.
    pub fn welcomed(addr: SocketAddr) -> anyhow::Result<Self> {
        let mut client = Self::connect(addr)?;
        let welcome = client.line()?;
        anyhow::ensure!(
            welcome.as_deref() == Some(WELCOME),
            "welcome was {welcome:?}"
        );
        Ok(client)
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.writer.write_all(bytes)?;
        Ok(())
    }

    /// The next line (without its newline), or `None` at end of stream.
    pub fn line(&mut self) -> anyhow::Result<Option<String>> {
        let mut line = Vec::new();
        let n = self.reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&line).trim_end().to_string()))
    }

    /// Everything until the server closes.
    pub fn rest(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest)?;
        Ok(rest)
    }

    /// Closes our side for writing (the server sees end of input).
    pub fn finish_sending(&self) {
        let _ = self.writer.shutdown(std::net::Shutdown::Write);
    }
}

/// Polls `done` until true or 5 s pass.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Waits until every connection accepted so far is closed.
fn all_closed(server: &ServerHandle) {
    eventually(|| {
        let s = server.stats();
        s.accepted == s.closed
    });
}

/// A line the server sent, as a person reads it: its text in quotes, or that nothing came.
fn said(line: &Option<String>) -> String {
    match line {
        Some(text) => format!("“{text}”"),
        None => "nothing (the connection closed)".to_string(),
    }
}

/// One check's result: name, what happened, passed.
type Check = (&'static str, String, bool);

fn malformed(server: &ServerHandle) -> anyhow::Result<Check> {
    let mut c = LineClient::welcomed(server.addr)?;
    c.send(b"1,x\n\xff\x00\xfe\x07\n1,2\n")?;
    let (a, b, sum) = (c.line()?, c.line()?, c.line()?);
    let ok = a.as_deref().is_some_and(|l| l.starts_with("error: "))
        && b.as_deref().is_some_and(|l| l.contains("UTF-8"))
        && sum.as_deref() == Some("3");
    Ok((
        "malformed and binary",
        format!("{}, {}, then 1,2 → {}", said(&a), said(&b), said(&sum)),
        ok,
    ))
}

fn too_long(server: &ServerHandle) -> anyhow::Result<Check> {
    let mut c = LineClient::welcomed(server.addr)?;
    let mut request = vec![b'7'; 10 * LIMITS.max_line];
    request.extend_from_slice(b"\n4,5\n");
    c.send(&request)?;
    let (error, next) = (c.line()?, c.line()?);
    let ok = error
        .as_deref()
        .is_some_and(|l| l.starts_with("error: line too long"))
        && next.as_deref() == Some("9");
    Ok((
        "line over the limit",
        format!("{}, then 4,5 → {}", said(&error), said(&next)),
        ok,
    ))
}

fn vanished(server: &ServerHandle) -> anyhow::Result<Check> {
    let before = server.stats().vanished_mid_line;
    let mut c = LineClient::welcomed(server.addr)?;
    c.send(b"1,2,")?;
    drop(c);
    let seen = eventually(|| server.stats().vanished_mid_line > before);
    Ok((
        "client vanished mid-line",
        format!("half line dropped, counted: {}", yes_no(seen)),
        seen,
    ))
}

fn connection_limit(server: &ServerHandle) -> anyhow::Result<Check> {
    // Earlier checks' connections may still be closing; they count against the limit until gone.
    all_closed(server);
    let held: Vec<LineClient> = (0..LIMITS.max_connections)
        .map(|_| LineClient::welcomed(server.addr))
        .collect::<anyhow::Result<_>>()?;
    let mut extra = LineClient::connect(server.addr)?;
    let told = extra.line()?;
    let closed = extra.line()?.is_none();
    drop(held);
    let ok = told.as_deref() == Some(BUSY) && closed;
    Ok((
        "connection limit",
        format!(
            "client {} of {}: {}, closed: {}",
            LIMITS.max_connections + 1,
            LIMITS.max_connections,
            said(&told),
            yes_no(closed)
        ),
        ok,
    ))
}

fn idle(server: &ServerHandle) -> anyhow::Result<Check> {
    // Wait for the limit test's connections to be gone, so this one is not refused.
    all_closed(server);
    let started = Instant::now();
    let mut c = LineClient::welcomed(server.addr)?;
    let told = c.line()?;
    let closed = c.line()?.is_none();
    let waited = started.elapsed();
    let ok = told.as_deref() == Some(IDLE) && closed && waited >= LIMITS.idle_timeout;
    Ok((
        "idle timeout",
        format!(
            "{} after {}, closed: {}",
            said(&told),
            common::format::duration(waited),
            yes_no(closed)
        ),
        ok,
    ))
}

fn still_up(server: &ServerHandle) -> anyhow::Result<Check> {
    let rows = crate::sum_product::play_session(server.addr)?;
    let ok = rows.iter().all(|(_, want, got)| want == got);
    Ok((
        "still serving",
        format!(
            "a fresh client's {}-line session all correct: {}",
            rows.len(),
            yes_no(ok)
        ),
        ok,
    ))
}

/// Graceful shutdown with requests in flight: three pipelined requests are sent, shutdown is
/// asked for at once, and all three must come back before the close.
fn shutdown(server: ServerHandle) -> anyhow::Result<Check> {
    let mut c = LineClient::welcomed(server.addr)?;
    c.send(b"1,1\n2,2\n3,3\n")?;
    let addr = server.addr;
    // The client reads to the end and hangs up on its own thread, as a real client would, while
    // the server shuts down (which waits for each client's close after its last answer).
    let reader = std::thread::spawn(move || c.rest());
    let stats = server.stop()?;
    let rest = reader
        .join()
        .map_err(|_| anyhow::anyhow!("client thread panicked"))??;
    let rest = String::from_utf8_lossy(&rest).into_owned();
    let refused = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err();
    let ok = rest == "2\n4\n6\n" && refused;
    Ok((
        "graceful shutdown",
        format!(
            "3 requests in flight → {} then close; new connections refused: {}; {} answered in all",
            rest.lines().collect::<Vec<_>>().join(", "),
            yes_no(refused),
            common::format::counted(stats.requests, "requests")
        ),
        ok,
    ))
}

common::variants! {
    /// The server the checks run against.
    pub enum Target {
        /// The poll reactor.
        Reactor = "reactor": "every check against the poll reactor",
        /// The tokio server.
        Tokio = "tokio": "every check against the tokio server",
    }
}

impl Target {
    /// The server to start.
    pub fn implementation(self) -> Impl {
        match self {
            Self::Reactor => Impl::Reactor,
            Self::Tokio => Impl::Tokio,
        }
    }
}

/// Runs every check against `implementation`.
pub fn checks(implementation: Impl) -> anyhow::Result<Vec<Check>> {
    let server = start_local(implementation, LIMITS)?;
    let mut results = vec![
        malformed(&server)?,
        too_long(&server)?,
        vanished(&server)?,
        connection_limit(&server)?,
        idle(&server)?,
        still_up(&server)?,
    ];
    results.push(shutdown(server)?);
    Ok(results)
}

/// The example: every check on one implementation.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let implementation = config.variant_of::<Target>()?.implementation();
    let results = checks(implementation)?;
    let mut table = TableData::new(
        format!(
            "hostile and careless clients vs the {} server",
            implementation.name()
        ),
        &["check", "what happened", "ok"],
    );
    let passed = results.iter().filter(|r| r.2).count();
    for (name, what, ok) in &results {
        table.row([
            name.to_string(),
            what.clone(),
            if *ok { "yes".into() } else { "NO".to_string() },
        ]);
    }
    Ok(config
        .outcome(Verdict::from(passed == results.len()))
        .table(table)
        .key_figure("checks passed", passed as f64, "checks")
        .notice("the idle-timeout check waits 300 ms on purpose: the waiting is what it tests"))
}
