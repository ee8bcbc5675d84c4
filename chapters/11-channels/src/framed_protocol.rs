//! A small request/response protocol on a framed TCP stream, and what happens without framing.
//!
//! TCP carries bytes, not messages. The book's `data_received` takes each read as one message,
//! which holds while a client types one line at a time into telnet; a client that sends several
//! requests at once (pipelining) gets them glued together in one read. A *codec* restores the
//! messages: `tokio_util::codec::Framed` runs our [`LineCodec`](crate::line_codec::LineCodec)
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
//! It never crashes the server, and neither does a client that disconnects mid-request.
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

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use common::{Outcome, RunConfig, TableData, Verdict};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_util::codec::{Decoder, Framed};
use tokio_util::sync::CancellationToken;

use crate::frame::FrameError;
use crate::line_codec::LineCodec;

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
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            store: std::sync::Mutex::new(HashMap::new()),
            stats: watch::Sender::new(Stats::default()),
        }
    }
}

impl Shared {
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
                crate::lock(&self.store).insert(key, value);
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
pub async fn serve_framed(stream: TcpStream, shared: Arc<Shared>, token: CancellationToken) {
    shared.count(|s| s.connections += 1);
    let mut framed = Framed::new(stream, LineCodec::new());
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
            next = framed.next() => next,
        };
        let frame = match next {
            Some(Ok(frame)) => frame,
            // The end of the stream, or an I/O error: either way this connection is over.
            None | Some(Err(_)) => break,
        };
        if !answer(&mut framed, &shared, frame).await {
            break;
        }
    }
    shared.count(|s| s.closed += 1);
}

/// Answers one frame on `framed`; false when the connection should end.
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
    let sent = framed.send(reply.as_str()).await;
    shared.count(|s| {
        s.in_flight -= 1;
        s.replied += u64::from(sent.is_ok());
    });
    sent.is_ok() && !quit
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

/// A running protocol server on `127.0.0.1:0`.
#[derive(Debug)]
pub struct ProtocolServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl ProtocolServer {
    /// Binds an ephemeral port on loopback and starts accepting. Call inside a tokio runtime.
    pub async fn start(framing: Framing) -> std::io::Result<Self> {
        Self::on(TcpListener::bind("127.0.0.1:0").await?, framing)
    }

    /// Serves on an already bound listener.
    pub fn on(listener: TcpListener, framing: Framing) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let stop = CancellationToken::new();
        let task = tokio::spawn({
            let (shared, stop) = (Arc::clone(&shared), stop.clone());
            async move {
                let mut connections = JoinSet::new();
                loop {
                    tokio::select! {
                        () = stop.cancelled() => break,
                        Some(_) = connections.join_next(), if !connections.is_empty() => {}
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let shared = Arc::clone(&shared);
                            match framing {
                                Framing::Lines => connections.spawn(serve_framed(stream, shared, stop.clone())),
                                Framing::OneReadOneMessage => connections.spawn(serve_one_read_one_message(stream, shared)),
                            };
                        }
                    }
                }
            }
        });
        Ok(Self {
            addr,
            shared,
            stop,
            task,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its shared state (counters, store).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Waits until the server's counters satisfy `done` (or `limit` passes), then stops it.
    pub async fn stop_when(
        self,
        limit: Duration,
        done: impl FnMut(&Stats) -> bool,
    ) -> anyhow::Result<Stats> {
        let mut rx = self.shared.watch();
        let waited = tokio::time::timeout(limit, rx.wait_for(done)).await;
        self.stop.cancel();
        let _ = self.task.await;
        let stats = self.shared.stats();
        match waited {
            Ok(Ok(_)) => Ok(stats),
            _ => anyhow::bail!("the server never reached the expected state: {stats:?}"),
        }
    }
}

/// Sends `requests` in one write, half-closes, and reads reply lines until the server closes.
pub async fn pipeline(addr: SocketAddr, requests: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut stream = TcpStream::connect(addr).await.context("connect")?;
    stream.write_all(requests).await.context("send")?;
    stream.shutdown().await.context("half-close")?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.context("read")?;
    Ok(String::from_utf8_lossy(&answer)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// A well-behaved client's requests and the replies they must get.
pub fn script(client: usize, count: usize) -> (Vec<u8>, Vec<String>) {
    let (mut requests, mut replies) = (String::new(), Vec::new());
    for n in 0..count {
        let (request, reply) = match n % 4 {
            0 => (format!("SET k{client}_{n} v{n}"), "OK".to_string()),
            1 => (
                format!("GET k{client}_{}", n - 1),
                format!("VALUE v{}", n - 1),
            ),
            2 => ("PING".to_string(), "PONG".to_string()),
            _ => (
                format!("ECHO hello {client} {n}"),
                format!("hello {client} {n}"),
            ),
        };
        requests.push_str(&request);
        requests.push('\n');
        replies.push(reply);
    }
    (requests.into_bytes(), replies)
}

/// Malformed frames and bad requests, each with the start of the reply the codec's server gives,
/// and a `PING` at the end to show the connection survived them all.
pub fn malformed_script() -> (Vec<u8>, Vec<&'static str>) {
    let mut bytes = Vec::new();
    let mut expect = Vec::new();
    let mut add = |request: &[u8], reply: &'static str| {
        bytes.extend_from_slice(request);
        bytes.push(b'\n');
        expect.push(reply);
    };
    add(b"FLY me to the moon", "ERR unknown command");
    add(b"SET lonely", "ERR usage: SET");
    add(b"GET", "ERR usage: GET");
    add(b"SLOW forever", "ERR usage: SLOW");
    add(b"\xff\xfe not utf-8", "ERR line is not UTF-8");
    add(&[b'x'; 3000], "ERR line longer than 1024 bytes");
    add(b"", "ERR empty request");
    add(b"PING", "PONG");
    (bytes, expect)
}

/// What the example's clients saw.
#[derive(Debug, Clone)]
pub struct ProtocolRun {
    /// Requests the well-behaved clients sent.
    pub requests: usize,
    /// Replies they got.
    pub replies: usize,
    /// Replies equal to the expected one at their position.
    pub correct: usize,
    /// Malformed frames sent, and how many got the right `ERR` (plus the final `PONG`).
    pub malformed: (usize, usize),
    /// The server's counters at the end.
    pub server: Stats,
}

/// Runs `clients` pipelining clients of `count` requests each, one malformed client and one
/// that hangs up mid-request, all at once, against a server with `framing`.
pub async fn exercise_server(
    framing: Framing,
    clients: usize,
    count: usize,
    limit: Duration,
) -> anyhow::Result<ProtocolRun> {
    let server = ProtocolServer::start(framing).await?;
    let addr = server.addr();
    let mut tasks = JoinSet::new();
    for client in 0..clients {
        tasks.spawn(async move {
            let (requests, expected) = script(client, count);
            let got = pipeline(addr, &requests).await?;
            let correct = got.iter().zip(&expected).filter(|(g, e)| g == e).count();
            anyhow::Ok((got.len(), correct))
        });
    }
    let (malformed, malformed_expect) = malformed_script();
    let bad = tokio::spawn(async move { pipeline(addr, &malformed).await });
    // The client that hangs up mid-request: half a line, then gone.
    let mut quitter = TcpStream::connect(addr).await.context("connect")?;
    quitter
        .write_all(b"SET half-a-requ")
        .await
        .context("send")?;
    drop(quitter);

    let (mut replies, mut correct) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        let (got, ok) = joined.context("client task")??;
        replies += got;
        correct += ok;
    }
    let bad_replies = bad.await.context("client task")??;
    let malformed_ok = bad_replies
        .iter()
        .zip(&malformed_expect)
        .filter(|(got, want)| got.starts_with(**want))
        .count();
    // Every connection (clients, the malformed one, the quitter) must have ended server-side.
    let total = clients as u64 + 2;
    let server = server.stop_when(limit, |s| s.closed >= total).await?;
    Ok(ProtocolRun {
        requests: clients * count,
        replies,
        correct,
        malformed: (malformed_expect.len(), malformed_ok),
        server,
    })
}

/// The example: `run framed-protocol [--variant broken|framed]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let framing = config.variant_of::<Framing>()?;
    let (clients, count) = (config.pick(8, 64), config.pick(200, 2_000));
    let limit = config.budget() * 5;
    let run = crate::block_on(limit, exercise_server(framing, clients, count, limit))?;
    let lost = run.requests - run.replies.min(run.requests);
    let mut table = TableData::new("what the clients got", &["", "sent", "replies", "correct"]);
    table.row([
        format!("{clients} pipelining clients"),
        run.requests.to_string(),
        run.replies.to_string(),
        run.correct.to_string(),
    ]);
    table.row([
        "one malformed-frames client".to_string(),
        run.malformed.0.to_string(),
        "".to_string(),
        run.malformed.1.to_string(),
    ]);
    let outcome = config.outcome(Verdict::Showed)
        .key_figure("requests without their reply", lost as f64, "requests")
        .figure("requests sent", run.requests as f64, "requests")
        .figure("correct replies", run.correct as f64, "replies")
        .figure("malformed frames answered with ERR", run.malformed.1.saturating_sub(1) as f64, "frames")
        .figure("clients that hung up mid-request", run.server.truncated as f64, "clients")
        .figure("server connections served", run.server.connections as f64, "connections")
        .table(table)
        .line(format!(
            "Each client writes its {count} requests in one go and then reads; one more sends 7 malformed frames and a PING; one more hangs up after half a request."
        ));
    Ok(match framing {
        Framing::OneReadOneMessage => {
            let showed = lost > 0;
            Outcome { verdict: Verdict::from(showed), ..outcome }
                .line(format!("One read = one message: {} of {} requests got no reply of their own; the server took whole batches as one request.", lost, run.requests))
                .notice("TCP is a byte stream: reads do not keep the client's message boundaries, so a server that trusts them answers the wrong questions")
        }
        Framing::Lines => {
            let showed = run.correct == run.requests
                && run.replies == run.requests
                && run.malformed.1 == run.malformed.0
                && run.server.truncated == 1;
            Outcome { verdict: Verdict::from(showed), ..outcome }
                .line("With the codec every request got its own reply, in order; every malformed frame got an ERR and the connection went on; the half request was noticed and the server kept serving.")
                .notice("framing puts the message boundaries back: the codec buffers partial lines and splits batched ones, whatever the reads look like")
        }
    })
}
