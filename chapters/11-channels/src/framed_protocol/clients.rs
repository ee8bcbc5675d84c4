//! The `framed-protocol` example's clients: a pipelining client that sends all its requests in
//! one write, the scripts of well-behaved and malformed requests with the replies they must get,
//! and the run of all of them at once against one server. Apart from the protocol (in
//! `framed_protocol.rs`) because they test the lesson rather than being it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use super::{Framing, ProtocolServer, Stats};

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
