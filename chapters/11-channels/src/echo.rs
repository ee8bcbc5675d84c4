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

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use common::{Outcome, RunConfig, TableData, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

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

/// The message client `client` sends as its `n`th, padded to [`MESSAGE_BYTES`].
pub fn message(client: usize, n: usize) -> Vec<u8> {
    let mut text = format!("Hello from client {client}, message {n}").into_bytes();
    text.resize(MESSAGE_BYTES, b'.');
    text
}

/// One client of `echo-close` or `receive-only`: connect, send one message, read until the
/// server closes. Returns every byte the server sent.
pub async fn one_message_client(
    addr: SocketAddr,
    client: usize,
    behavior: Behavior,
) -> anyhow::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await.context("connect")?;
    let text = format!("Hello from client {client}");
    stream.write_all(text.as_bytes()).await.context("send")?;
    if behavior == Behavior::ReceiveOnly {
        // The book's example 1 never answers, so the client says it is done and waits for the
        // server to notice (its read returns 0) and close in turn.
        stream.shutdown().await.context("half-close")?;
    }
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await.context("read")?;
    Ok(received)
}

/// One client of `echo`: `messages` round trips on one connection, each timed. Returns the
/// round-trip times and how many replies were not exactly `Echoed back: <message>`.
pub async fn round_trip_client(
    addr: SocketAddr,
    client: usize,
    messages: usize,
) -> anyhow::Result<(Vec<Duration>, u64)> {
    let mut stream = TcpStream::connect(addr).await.context("connect")?;
    stream.set_nodelay(true).context("nodelay")?;
    let mut rtts = Vec::with_capacity(messages);
    let mut garbled = 0;
    let mut expected = Vec::with_capacity(PREFIX.len() + MESSAGE_BYTES);
    let mut reply = vec![0u8; PREFIX.len() + MESSAGE_BYTES];
    for n in 0..messages {
        let text = message(client, n);
        expected.clear();
        expected.extend_from_slice(PREFIX);
        expected.extend_from_slice(&text);
        let sent = Instant::now();
        stream.write_all(&text).await.context("send")?;
        // The reply is as long as the prefix plus the message: read exactly that much, however
        // TCP splits it.
        stream
            .read_exact(&mut reply)
            .await
            .context("read the reply")?;
        rtts.push(sent.elapsed());
        garbled += u64::from(reply != expected);
    }
    Ok((rtts, garbled))
}

/// The `p`th percentile (0–100) of sorted durations, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
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

/// Starts the server, runs every client at once, stops the server. Call inside a tokio runtime
/// with I/O and time enabled.
pub async fn run_clients(settings: EchoSettings) -> anyhow::Result<EchoRun> {
    let server = EchoServer::start(settings.behavior)
        .await
        .context("starting the server")?;
    let addr = server.addr();
    let started = Instant::now();
    let mut clients = JoinSet::new();
    for client in 0..settings.clients {
        let behavior = settings.behavior;
        let messages = settings.messages;
        clients.spawn(async move {
            let result = match behavior {
                Behavior::Echo => round_trip_client(addr, client, messages).await,
                _ => one_message_client(addr, client, behavior)
                    .await
                    .map(|received| {
                        let expected = match behavior {
                            Behavior::ReceiveOnly => Vec::new(),
                            _ => {
                                [PREFIX, format!("Hello from client {client}").as_bytes()].concat()
                            }
                        };
                        (Vec::new(), u64::from(received != expected))
                    }),
            };
            (client, result)
        });
    }
    let mut rtts = Vec::with_capacity(settings.clients * settings.messages);
    let mut wrong_replies = 0;
    let mut client_errors = Vec::new();
    while let Some(joined) = clients.join_next().await {
        match joined {
            Ok((_, Ok((mut times, wrong)))) => {
                rtts.append(&mut times);
                wrong_replies += wrong;
            }
            Ok((client, Err(e))) => client_errors.push(format!("client {client}: {e:#}")),
            Err(e) => client_errors.push(format!("a client task failed: {e}")),
        }
    }
    let elapsed = started.elapsed();
    let server = server.stop().await;
    rtts.sort_unstable();
    Ok(EchoRun {
        elapsed,
        rtts,
        wrong_replies,
        client_errors,
        server,
    })
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
    Ok(describe(config, settings, &run))
}

fn describe(config: &RunConfig, settings: EchoSettings, run: &EchoRun) -> Outcome {
    let s = &run.server;
    let clients = settings.clients as u64;
    let mut outcome = match settings.behavior {
        Behavior::Echo => {
            let total = run.rtts.len() as u64;
            let expected = clients * settings.messages as u64;
            let showed =
                total == expected && run.wrong_replies == 0 && run.client_errors.is_empty();
            let rate = total as f64 / run.elapsed.as_secs_f64().max(1e-9);
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            let mut table = TableData::new("round-trip time", &["percentile", "µs"]);
            for p in [50.0, 90.0, 99.0, 100.0] {
                table.row([
                    format!("p{p}"),
                    format!("{:.0}", us(percentile(&run.rtts, p))),
                ]);
            }
            config.outcome(Verdict::from(showed))
                .key_figure("round trips per second", rate.round(), "msg/s")
                .figure("clients", clients as f64, "clients")
                .figure("round trips", total as f64, "msg")
                .figure("p50 round trip", us(percentile(&run.rtts, 50.0)).round(), "µs")
                .figure("p99 round trip", us(percentile(&run.rtts, 99.0)).round(), "µs")
                .figure("wrong replies", run.wrong_replies as f64, "msg")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .table(table)
                .line(format!(
                    "{clients} clients × {} messages of {MESSAGE_BYTES} bytes, each waiting for its `Echoed back: ...` before the next: {total} round trips in {}.",
                    settings.messages,
                    common::timing::human(run.elapsed)
                ))
                .notice("one task per connection: a hundred clients share a couple of threads; the round trip itself is microseconds, so p50 and p99 mostly measure waiting for a turn on those threads")
        }
        Behavior::EchoAndClose => {
            let showed = s.connections == clients
                && s.closed_by_server == clients
                && run.wrong_replies == 0
                && run.client_errors.is_empty();
            config.outcome(Verdict::from(showed))
                .key_figure("exact replies", (clients - run.wrong_replies.min(clients)) as f64, "replies")
                .figure("connections made", s.connections as f64, "connections")
                .figure("closed by the server", s.closed_by_server as f64, "connections")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .line(format!("{clients} clients at once, each: send one line, read until the server closes."))
                .notice("the server closed each connection right after its reply: every client's read_to_end returned, with exactly `Echoed back: ...` in it")
        }
        Behavior::ReceiveOnly => {
            let showed = s.connections == clients
                && s.messages >= clients
                && run.wrong_replies == 0
                && run.client_errors.is_empty();
            config.outcome(Verdict::from(showed))
                .key_figure("messages received by the server", s.messages as f64, "msg")
                .figure("connections made", s.connections as f64, "connections")
                .figure("bytes received", s.bytes as f64, "B")
                .figure("bytes sent back", 0.0, "B")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .line(format!("{clients} clients at once, each: send one line, half-close, read until the server closes."))
                .notice("the book's first server only prints what it gets: every client heard nothing back, and the server saw every connection and message")
        }
    };
    outcome = outcome.line("What the server would have printed (the first lines):");
    for line in &s.lines {
        outcome = outcome.line(format!("  {line}"));
    }
    if s.more_lines > 0 {
        outcome = outcome.line(format!("  ... and {} more lines", s.more_lines));
    }
    for error in run.client_errors.iter().take(5) {
        outcome = outcome.line(format!("client error: {error}"));
    }
    outcome
}

/// Fails if the run did not deliver what `settings` asked for (used by tests).
pub fn check(settings: EchoSettings, run: &EchoRun) -> anyhow::Result<()> {
    if !run.client_errors.is_empty() {
        bail!("client errors: {:?}", run.client_errors);
    }
    if run.wrong_replies != 0 {
        bail!("{} wrong replies", run.wrong_replies);
    }
    if run.server.connections != settings.clients as u64 {
        bail!(
            "server saw {} connections, not {}",
            run.server.connections,
            settings.clients
        );
    }
    Ok(())
}
