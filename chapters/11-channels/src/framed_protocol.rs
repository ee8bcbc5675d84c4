//! A small request/response protocol on a framed TCP stream, and what happens without framing.
//!
//! TCP carries bytes, not messages. The book's `data_received` takes each read as one message,
//! which holds while a client types one line at a time into telnet; a client that sends several
//! requests at once (pipelining) gets them glued together in one read. A *codec* restores the
//! messages: `tokio_util::codec::Framed` runs our [`LineCodec`]
//! (exercise 11.1) over the socket, so the server reads whole request lines and writes whole reply
//! lines, whatever the reads look like.
//!
//! The protocol, one request per line, one reply line each:
//!
//! | request | reply |
//! |---|---|
//! | `PING` | `PONG` |
//! | `ECHO <text>` | `<text>` |
//! | `SET <key> <value>` | `OK` |
//! | `GET <key>` | `VALUE <value>` or `NIL` |
//! | `SLOW <ms>` | `DONE <ms>`, after `ms` milliseconds (a stand-in for a slow request) |
//! | `QUIT` | `BYE`, then the server closes |
//! | anything else | `ERR <why>`: unknown command, wrong arguments, a line over 1024 bytes, not UTF-8 |
//!
//! A malformed frame is the client's mistake: it gets an `ERR` reply and the connection goes on.
//! It never crashes the server, and neither does a client that disconnects mid-request. What a
//! client can make the server hold is bounded ([`Limits`]: connections, idle time, queued
//! replies, keys), and replies to a pipelined batch leave in one write, with `TCP_NODELAY` set:
//! without it, Nagle's algorithm holds the second small reply back until the client's delayed
//! ACK of the first (~40 ms a round trip).
//!
//! Variants (both run the same clients: several pipelining clients, one sending malformed frames,
//! one hanging up halfway through a request):
//! - `broken`: the book's way, one read = one message. Replies go missing: the measured count
//!   shows it.
//! - `framed`: the codec. Every request gets its reply, in order; every malformed frame its `ERR`.
//!
//! Run: `cargo run -p chapter-11 -- run framed-protocol`, or by hand: `cargo run -p chapter-11 --
//! serve` and then `nc 127.0.0.1 <port>`. Book: chapter 11, "The asyncio server client" (the
//! transport/protocol pair of `Chapter11/example1.py`–`example3.py`), done with framing.
//!
//! This file is the protocol: its requests, the two ways of serving a connection (the codec's and
//! the book's), and the run. Apart from it: the server that accepts connections
//! (`framed_protocol/server.rs`), the clients and their scripts (`framed_protocol/clients.rs`),
//! and the report (`framed_protocol/report.rs`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::{Outcome, RunConfig};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_util::codec::{Decoder, Framed};
use tokio_util::sync::CancellationToken;

use crate::frame::FrameError;
use crate::line_codec::LineCodec;

mod clients;
mod limits;
mod report;
mod server;

pub use clients::{ProtocolRun, exercise_server, malformed_script, pipeline, script};
pub use limits::{BUSY, IDLE, Limits, OUTPUT_BUFFER, STORE_FULL};
pub use server::ProtocolServer;

/// The longest `SLOW` request accepted, so no request can pin a connection for long.
pub const MAX_SLOW_MS: u64 = 10_000;

/// A parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `PING`.
    Ping,
    /// `ECHO <text>`.
    Echo(String),
    /// `SET <key> <value>`.
    Set(String, String),
    /// `GET <key>`.
    Get(String),
    /// `SLOW <ms>`.
    Slow(u64),
    /// `QUIT`.
    Quit,
}

/// Parses one request line; the error is the text of the `ERR` reply.
pub fn parse(line: &str) -> Result<Request, String> {
    let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
    let words: Vec<&str> = rest.split_whitespace().collect();
    match command {
        "" => Err("empty request".to_string()),
        "PING" if rest.is_empty() => Ok(Request::Ping),
        "ECHO" if !rest.is_empty() => Ok(Request::Echo(rest.to_string())),
        "SET" => match rest.split_once(' ') {
            Some((key, value)) if !key.is_empty() && !value.is_empty() => {
                Ok(Request::Set(key.to_string(), value.to_string()))
            }
            _ => Err("usage: SET <key> <value>".to_string()),
        },
        "GET" if words.len() == 1 => Ok(Request::Get(words[0].to_string())),
        "SLOW" => match words.as_slice() {
            [ms] => match ms.parse::<u64>() {
                Ok(ms) if ms <= MAX_SLOW_MS => Ok(Request::Slow(ms)),
                _ => Err(format!("usage: SLOW <ms from 0 to {MAX_SLOW_MS}>")),
            },
            _ => Err(format!("usage: SLOW <ms from 0 to {MAX_SLOW_MS}>")),
        },
        "QUIT" if rest.is_empty() => Ok(Request::Quit),
        "PING" | "QUIT" => Err(format!("usage: {command}")),
        "ECHO" => Err("usage: ECHO <text>".to_string()),
        "GET" => Err("usage: GET <key>".to_string()),
        other => Err(format!(
            "unknown command {:?}",
            other.chars().take(32).collect::<String>()
        )),
    }
}

/// What every connection of one server shares: the store and the counters.
#[derive(Debug)]
pub struct Shared {
    store: std::sync::Mutex<HashMap<String, String>>,
    stats: watch::Sender<Stats>,
    limits: Limits,
}

/// What a server has done. A `watch` channel carries it, so a test or an example can wait for a
/// state ("three requests in flight") instead of sleeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Connections accepted.
    pub connections: u64,
    /// Connections ended (either side).
    pub closed: u64,
    /// Requests answered with a reply other than `ERR`.
    pub requests: u64,
    /// `ERR` replies (malformed frames and bad requests).
    pub errors: u64,
    /// Clients that hung up in the middle of a request line.
    pub truncated: u64,
    /// Requests being handled right now.
    pub in_flight: u64,
    /// Requests whose reply was sent.
    pub replied: u64,
    /// Connections open now (told [`BUSY`] ones are never open).
    pub open: u64,
    /// The most connections open at once.
    pub peak_open: u64,
    /// Connections told [`BUSY`] and closed.
    pub rejected_busy: u64,
    /// Connections closed for silence, or for not reading their replies, for the idle timeout.
    pub idle_timeouts: u64,
    /// Keys in the store.
    pub keys: u64,
    /// `SET`s of a new key refused with [`STORE_FULL`].
    pub store_full: u64,
    /// The most reply bytes ever queued on one connection, waiting for its client to read.
    pub peak_queued: u64,
    /// Connections with `TCP_NODELAY` on (every one served).
    pub nodelay: u64,
    /// Writes of queued replies to the socket (one per batch of pipelined requests).
    pub flushes: u64,
}

impl Default for Shared {
    fn default() -> Self {
        Self::with_limits(Limits::default())
    }
}

impl Shared {
    /// A store and counters for a server with these limits.
    pub fn with_limits(limits: Limits) -> Self {
        Self {
            store: std::sync::Mutex::new(HashMap::new()),
            stats: watch::Sender::new(Stats::default()),
            limits,
        }
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The counters now.
    pub fn stats(&self) -> Stats {
        *self.stats.borrow()
    }

    /// A receiver to wait on: `rx.wait_for(|s| s.in_flight == 3).await`.
    pub fn watch(&self) -> watch::Receiver<Stats> {
        self.stats.subscribe()
    }

    fn count(&self, change: impl FnOnce(&mut Stats)) {
        self.stats.send_modify(change);
    }

    /// Answers one frame. Returns the reply and whether to close afterwards.
    pub async fn respond(&self, frame: Result<String, FrameError>) -> (String, bool) {
        let request = match frame {
            Ok(line) => parse(&line),
            Err(error) => Err(error.to_string()),
        };
        let (reply, quit) = match request {
            Err(why) => {
                self.count(|s| s.errors += 1);
                return (format!("ERR {why}"), false);
            }
            Ok(Request::Ping) => ("PONG".to_string(), false),
            Ok(Request::Echo(text)) => (text, false),
            Ok(Request::Set(key, value)) => {
                let mut store = crate::lock(&self.store);
                if store.len() >= self.limits.max_keys && !store.contains_key(&key) {
                    drop(store);
                    self.count(|s| {
                        s.errors += 1;
                        s.store_full += 1;
                    });
                    let max = self.limits.max_keys;
                    return (format!("{STORE_FULL}: at most {max} keys"), false);
                }
                store.insert(key, value);
                let keys = store.len() as u64;
                drop(store);
                self.count(|s| s.keys = keys);
                ("OK".to_string(), false)
            }
            Ok(Request::Get(key)) => match crate::lock(&self.store).get(&key) {
                Some(value) => (format!("VALUE {value}"), false),
                None => ("NIL".to_string(), false),
            },
            Ok(Request::Slow(ms)) => {
                // Latency is the subject here: the sleep stands for a request that takes time.
                tokio::time::sleep(Duration::from_millis(ms)).await;
                (format!("DONE {ms}"), false)
            }
            Ok(Request::Quit) => ("BYE".to_string(), true),
        };
        self.count(|s| s.requests += 1);
        (reply, quit)
    }
}

/// Serves one connection with the codec until the client leaves, sends `QUIT`, or `token` is
/// cancelled. At cancellation nothing new is read, but the requests already received are
/// finished and answered first: that is the graceful part of graceful shutdown.
///
/// One connection past [`Limits::max_connections`] is told [`BUSY`] and closed; one silent (or
/// not reading its replies) for [`Limits::idle_timeout`] is told [`IDLE`] and closed.
pub async fn serve_framed(mut stream: TcpStream, shared: Arc<Shared>, token: CancellationToken) {
    let limits = shared.limits;
    let mut full = false;
    shared.count(|s| {
        full = s.open >= limits.max_connections as u64;
        if full {
            s.rejected_busy += 1;
        } else {
            s.connections += 1;
            s.open += 1;
            s.peak_open = s.peak_open.max(s.open);
        }
    });
    if full {
        let _ = tokio::time::timeout(limits.idle_timeout, limits::refuse(&mut stream)).await;
        return;
    }
    // Replies are small: without this, Nagle holds each one back until the last is ACKed.
    let _ = stream.set_nodelay(true);
    if stream.nodelay().unwrap_or(false) {
        shared.count(|s| s.nodelay += 1);
    }
    let mut framed = Framed::new(stream, LineCodec::new());
    framed.set_backpressure_boundary(OUTPUT_BUFFER);
    loop {
        let next = tokio::select! {
            // `biased`: once shutdown has begun, read nothing more from the socket.
            biased;
            () = token.cancelled() => {
                // Frames already in the read buffer were sent before the signal: answer them.
                let mut received = std::mem::take(framed.read_buffer_mut());
                while let Ok(Some(frame)) = framed.codec_mut().decode(&mut received) {
                    if !answer(&mut framed, &shared, frame).await {
                        break;
                    }
                }
                break;
            }
            next = tokio::time::timeout(limits.idle_timeout, framed.next()) => next,
        };
        let frame = match next {
            Ok(Some(Ok(frame))) => frame,
            // The end of the stream, or an I/O error: either way this connection is over.
            Ok(None | Some(Err(_))) => break,
            Err(_elapsed) => {
                shared.count(|s| s.idle_timeouts += 1);
                let said = framed.send(IDLE);
                let _ = tokio::time::timeout(limits.idle_timeout, said).await;
                break;
            }
        };
        if !answer(&mut framed, &shared, frame).await {
            break;
        }
    }
    let _ = tokio::time::timeout(limits.idle_timeout, framed.flush()).await;
    shared.count(|s| {
        s.closed += 1;
        s.open -= 1;
    });
}

/// Answers one frame on `framed`; false when the connection should end. The reply is queued,
/// and sent at once only if no other whole request is waiting in the read buffer: a pipelined
/// batch is answered in one write. A client that reads none of it for the idle timeout is gone.
async fn answer(
    framed: &mut Framed<TcpStream, LineCodec>,
    shared: &Shared,
    frame: Result<String, FrameError>,
) -> bool {
    if let Err(FrameError::Truncated { .. }) = frame {
        // The client hung up mid-line: nobody is left to answer.
        shared.count(|s| {
            s.truncated += 1;
            s.errors += 1;
        });
        return false;
    }
    shared.count(|s| s.in_flight += 1);
    let (reply, quit) = shared.respond(frame).await;
    let idle = shared.limits.idle_timeout;
    // `feed` first waits (flushing) while the queue is past its boundary, then queues.
    let mut sent = tokio::time::timeout(idle, framed.feed(reply.as_str())).await;
    let queued = framed.write_buffer().len() as u64;
    let flush = quit || !framed.read_buffer().contains(&b'\n');
    if matches!(sent, Ok(Ok(()))) && flush {
        sent = tokio::time::timeout(idle, framed.flush()).await;
    }
    shared.count(|s| {
        s.in_flight -= 1;
        s.replied += u64::from(matches!(sent, Ok(Ok(()))));
        s.peak_queued = s.peak_queued.max(queued);
        s.idle_timeouts += u64::from(sent.is_err());
        s.flushes += u64::from(flush);
    });
    matches!(sent, Ok(Ok(()))) && !quit
}

/// The book's way, for contrast: every read is taken as one request line.
pub async fn serve_one_read_one_message(mut stream: TcpStream, shared: Arc<Shared>) {
    shared.count(|s| s.connections += 1);
    let mut buf = vec![0u8; 4096];
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let text = String::from_utf8(buf[..n].to_vec()).map_err(|_| FrameError::NotUtf8);
        let line = text.map(|t| t.trim_end_matches(['\r', '\n']).to_string());
        shared.count(|s| s.in_flight += 1);
        let (reply, quit) = shared.respond(line).await;
        let sent = stream.write_all(format!("{reply}\n").as_bytes()).await;
        shared.count(|s| {
            s.in_flight -= 1;
            s.replied += u64::from(sent.is_ok());
        });
        if sent.is_err() || quit {
            break;
        }
    }
    shared.count(|s| s.closed += 1);
}

common::variants! {
    /// How a server cuts its input into requests.
    pub enum Framing {
        /// One read = one request (the book's `data_received`).
        OneReadOneMessage = "broken": "one read = one message, as the book's data_received: replies go missing",
        /// The line codec.
        Lines = "framed": "the line codec: every request its reply, every malformed frame an ERR",
    }
}

/// The example: `run framed-protocol [--variant broken|framed]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let framing = config.variant_of::<Framing>()?;
    let (clients, count) = (config.pick(8, 64), config.pick(200, 2_000));
    let limit = config.budget() * 5;
    let run = crate::block_on(limit, exercise_server(framing, clients, count, limit))?;
    Ok(report::outcome(config, framing, clients, count, &run))
}
