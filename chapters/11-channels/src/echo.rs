//! The book's protocol-style echo server, as a tokio TCP server with many clients at once.
//!
//! The book builds its server from an `asyncio.Protocol`: `connection_made` logs the peer,
//! `data_received` gets whatever bytes arrived, and writes to the `transport`; example 1 only
//! prints the data, example 2 also writes `Echoed back: ...`, example 3 also closes the transport.
//! Here the same life cycle is one async function per connection (`protocol` below): the
//! connection is made when `accept` returns, data is received by `read`, echoed by `write_all`,
//! and the transport is closed by dropping the stream. One tokio task per connection, so a
//! hundred clients cost a hundred small tasks on a couple of threads, not a hundred threads.
//!
//! The variants are the book's three examples, each run with many clients at once (`--threads N`
//! is the number of clients, 100 by default):
//! - `receive-only` (example 1): the server logs each connection and message and answers
//!   nothing; each client sends one line and sees zero bytes back.
//! - `echo-close` (example 3): one message, one `Echoed back: ...` reply, then the server closes.
//! - `echo` (example 2): the connection stays open; each client does M request/reply round trips
//!   and times each one. This is the throughput figure: round trips per second and the p50/p99
//!   round-trip time with 100 concurrent clients (`run echo --variant echo` without `--quick`:
//!   100 clients × 1 000 messages).
//!
//! What to notice: one read is not one message. The book's `data_received` treats it as one, and
//! so does this server, faithfully; it works here only because each client waits for its reply
//! before sending again. `framed-protocol` shows what happens when a client does not wait.
//!
//! Run: `cargo run --release -p chapter-11 -- run echo --variant echo` (full size: 100 clients ×
//! 1 000 round trips). Book: chapter 11, "The asyncio server client" and "The echoing server"
//! (`Chapter11/example1.py`–`example3.py`).
//!
//! This file is the server, the book's protocol, and the run; the clients that drive it (one
//! message, or timed round trips) are `echo/clients.rs`, and the report (figures, percentiles,
//! the server's log lines) is `echo/report.rs`, so the protocol reads on its own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::{Outcome, RunConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

mod clients;
mod report;

pub use clients::{check, message, one_message_client, round_trip_client, run_clients};
pub use report::percentile;

/// What the book's echoing server puts before the data it sends back.
pub const PREFIX: &[u8] = b"Echoed back: ";
/// How many log lines the server keeps (it counts the rest): printing from a hundred tasks would
/// serialize them on the stdout lock.
const KEPT_LINES: usize = 8;
/// Bytes per message in the `echo` variant's round trips.
pub const MESSAGE_BYTES: usize = 64;
/// The listener's accept queue: room for every client `--threads` allows to connect at once.
const ACCEPT_QUEUE: u32 = 2048;

common::variants! {
    /// Which of the book's three servers to run.
    pub enum Behavior {
        /// Example 1: log the connection and the data, answer nothing.
        ReceiveOnly = "receive-only": "example 1: log the connection and the data, answer nothing",
        /// Example 3: echo once, then close the transport.
        EchoAndClose = "echo-close": "example 3: echo one message, then close the transport",
        /// Example 2: write `Echoed back: <data>` for every read, keep the connection.
        Echo = "echo": "example 2: echo every message on a kept connection; M timed round trips per client",
    }
}

/// What the server saw, counted by every connection task (relaxed counters: they are tallies
/// read after the clients are done, not synchronization).
#[derive(Debug, Default)]
pub struct ServerLog {
    connections: AtomicU64,
    open: AtomicU64,
    peak_open: AtomicU64,
    messages: AtomicU64,
    bytes: AtomicU64,
    closed_by_server: AtomicU64,
    lines: std::sync::Mutex<(Vec<String>, u64)>,
}

/// A copy of the server's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSnapshot {
    /// Connections made.
    pub connections: u64,
    /// The most connections open at once.
    pub peak_open: u64,
    /// `data_received` calls (reads that returned data).
    pub messages: u64,
    /// Bytes received.
    pub bytes: u64,
    /// Connections the server closed (example 3's `transport.close()`).
    pub closed_by_server: u64,
    /// The first few lines the book's server would print.
    pub lines: Vec<String>,
    /// Lines not kept.
    pub more_lines: u64,
}

impl ServerLog {
    fn say(&self, line: impl FnOnce() -> String) {
        let mut lines = crate::lock(&self.lines);
        if lines.0.len() < KEPT_LINES {
            lines.0.push(line());
        } else {
            lines.1 += 1;
        }
    }

    /// The counters now.
    pub fn snapshot(&self) -> LogSnapshot {
        let lines = crate::lock(&self.lines);
        LogSnapshot {
            connections: self.connections.load(Ordering::Relaxed),
            peak_open: self.peak_open.load(Ordering::Relaxed),
            messages: self.messages.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            closed_by_server: self.closed_by_server.load(Ordering::Relaxed),
            lines: lines.0.clone(),
            more_lines: lines.1,
        }
    }
}

/// A running echo server on `127.0.0.1:0`.
#[derive(Debug)]
pub struct EchoServer {
    addr: SocketAddr,
    log: Arc<ServerLog>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl EchoServer {
    /// Binds an ephemeral port on loopback and starts accepting. Call inside a tokio runtime.
    pub async fn start(behavior: Behavior) -> std::io::Result<Self> {
        // Up to a thousand clients connect at the same instant. `TcpListener::bind` asks for a
        // smaller accept queue, and when it overflows the kernel drops handshakes (SYN cookies,
        // retransmits, now and then a reset), so the queue is sized for the most clients
        // `--threads` allows (the kernel caps it at `net.core.somaxconn`).
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let listener = socket.listen(ACCEPT_QUEUE)?;
        let addr = listener.local_addr()?;
        let log = Arc::new(ServerLog::default());
        let stop = CancellationToken::new();
        let task = tokio::spawn(accept_loop(
            listener,
            behavior,
            Arc::clone(&log),
            stop.clone(),
        ));
        Ok(Self {
            addr,
            log,
            stop,
            task,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it has seen so far.
    pub fn log(&self) -> LogSnapshot {
        self.log.snapshot()
    }

    /// Stops accepting and closes every connection; returns what it saw.
    pub async fn stop(self) -> LogSnapshot {
        self.stop.cancel();
        let _ = self.task.await;
        self.log.snapshot()
    }
}

async fn accept_loop(
    listener: TcpListener,
    behavior: Behavior,
    log: Arc<ServerLog>,
    stop: CancellationToken,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                if let Ok((stream, peer)) = accepted {
                    connections.spawn(protocol(stream, peer, behavior, Arc::clone(&log)));
                }
            }
        }
    }
    // Dropping the JoinSet aborts the connections still open.
}

/// One connection's life, in the book's protocol callbacks.
async fn protocol(
    mut stream: TcpStream,
    peer: SocketAddr,
    behavior: Behavior,
    log: Arc<ServerLog>,
) {
    // connection_made
    let _ = stream.set_nodelay(true);
    log.connections.fetch_add(1, Ordering::Relaxed);
    let open = log.open.fetch_add(1, Ordering::Relaxed) + 1;
    log.peak_open.fetch_max(open, Ordering::Relaxed);
    log.say(|| format!("Connection from {peer}"));
    let mut buf = vec![0u8; 4096];
    let mut reply = Vec::with_capacity(PREFIX.len() + buf.len());
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break, // connection_lost
            Ok(n) => n,
        };
        // data_received: whatever bytes this read returned, taken as one message.
        let data = &buf[..n];
        log.messages.fetch_add(1, Ordering::Relaxed);
        log.bytes.fetch_add(n as u64, Ordering::Relaxed);
        log.say(|| format!("Data received: {:?}", String::from_utf8_lossy(data)));
        if behavior == Behavior::ReceiveOnly {
            continue;
        }
        reply.clear();
        reply.extend_from_slice(PREFIX);
        reply.extend_from_slice(data);
        if stream.write_all(&reply).await.is_err() {
            break;
        }
        if behavior == Behavior::EchoAndClose {
            log.say(|| "Close the client socket".to_string());
            log.closed_by_server.fetch_add(1, Ordering::Relaxed);
            break; // transport.close(): dropping the stream closes it
        }
    }
    log.open.fetch_sub(1, Ordering::Relaxed);
}

/// Settings of one echo run.
#[derive(Debug, Clone, Copy)]
pub struct EchoSettings {
    /// Which server.
    pub behavior: Behavior,
    /// Clients connected at once.
    pub clients: usize,
    /// Round trips per client (`echo` only).
    pub messages: usize,
}

/// What one echo run measured.
#[derive(Debug, Clone)]
pub struct EchoRun {
    /// From the first connect to the last client done.
    pub elapsed: Duration,
    /// Every round-trip time, sorted (`echo` only).
    pub rtts: Vec<Duration>,
    /// Replies that were not exactly what the book's server sends.
    pub wrong_replies: u64,
    /// Clients that failed (connect, read or write errors), with the reason.
    pub client_errors: Vec<String>,
    /// What the server saw.
    pub server: LogSnapshot,
}

/// The example: `run echo [--variant receive-only|echo-close|echo] [--threads CLIENTS]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let settings = EchoSettings {
        behavior: config.variant_of::<Behavior>()?,
        clients: config.threads,
        messages: config.pick(50, 1_000),
    };
    // A backstop against a hang, not a speed target: it grows with the round trips asked for
    // (200 µs each, several times slower than a loaded run), so `--threads 1000` at full size
    // (a million round trips) is not cut off by a limit meant for the default hundred clients.
    let round_trips = (settings.clients * settings.messages) as u64;
    let limit = config.budget() * 5 + Duration::from_micros(200 * round_trips);
    let run = crate::block_on(limit, run_clients(settings))?;
    Ok(report::outcome(config, settings, &run))
}
