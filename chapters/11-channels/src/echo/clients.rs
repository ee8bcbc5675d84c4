//! The clients of the `echo` example: one that sends a single message and reads until the server
//! closes (the book's examples 1 and 3), one that does timed round trips on a kept connection
//! (example 2), and the run that starts the server and every client at once. Apart from the
//! server (in `echo.rs`) because they drive the lesson rather than being it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::{Behavior, EchoRun, EchoServer, EchoSettings, MESSAGE_BYTES, PREFIX};

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
