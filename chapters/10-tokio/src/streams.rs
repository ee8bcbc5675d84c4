//! Network streams with tokio: the book's asyncio echo server and its aiohttp client, on loopback.
//!
//! - `echo` (`Chapter10/echo_server.py`): a `TcpListener` on 127.0.0.1 (port 0: the OS picks a
//!   free one, where the book used 8888), one task per connection: read at most 100 bytes, write
//!   them back, close. Three clients connect at once; the first waits 50 ms before it sends (a
//!   slow client, latency on purpose). The other two are answered at once: the slow one holds a
//!   task, not the server. (The book's script fails on Python ≥ 3.10 because of the removed
//!   `loop=` argument; the port has no such catch.)
//! - `http-client` (`Chapter10/aiohttp_client.py`): GET the page standing in for python.org from
//!   the project's local HTTP server (`common::http`, no internet) and print the HTML's length, as
//!   the book does; then fetch all five pages the book listed (its unused `urls` list) together
//!   with `join_all`. `custom_client.py` is an empty stub in the book: its `get_html` is this.
//!
//! Run: `cargo run -p chapter-10 -- run streams [--variant http-client]`.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use common::http::{PAGES, StatusServer, get, page_body};
use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict, format};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::time::Instant;

use crate::support::{block_on_within, current_thread};

common::variants! {
    /// Which of the book's stream programs runs.
    pub enum Stream {
        /// The echo server and three clients (echo_server.py).
        Echo = "echo": "echo server, one task per connection; three clients, one slow (echo_server.py)",
        /// The HTTP client against the local server (aiohttp_client.py).
        HttpClient = "http-client": "GET a page and print its length, then five pages together (aiohttp_client.py)",
    }
}

/// The book's read size: `reader.read(100)`.
pub const READ_SIZE: usize = 100;

/// Serves connections on `listener` forever, one task each: read ≤ 100 bytes, echo, close.
pub async fn echo_server(listener: TcpListener) -> anyhow::Result<()> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buf = [0u8; READ_SIZE];
            if let Ok(n) = stream.read(&mut buf).await {
                // A client that vanished mid-echo is its own problem, not the server's.
                let _ = stream.write_all(&buf[..n]).await;
                let _ = stream.shutdown().await;
            }
        });
    }
}

/// A client: connects, waits `delay` (a slow client), sends `message`, reads the echo until the
/// server closes. Returns the echo and the time from connecting to the end.
pub async fn echo_client(
    addr: SocketAddr,
    message: &str,
    delay: Duration,
) -> anyhow::Result<(String, Duration)> {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).await.context("connect")?;
    tokio::time::sleep(delay).await;
    stream.write_all(message.as_bytes()).await?;
    let mut echo = String::new();
    stream.read_to_string(&mut echo).await?;
    Ok((echo, start.elapsed()))
}

/// Starts the echo server on 127.0.0.1:0 and runs three clients at once (the first one slow).
/// Returns (message, echo, time) per client. Call inside a tokio runtime with I/O enabled.
pub async fn echo_scene(slow: Duration) -> anyhow::Result<Vec<(String, String, Duration)>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(echo_server(listener));
    let long = "x".repeat(150);
    let messages = ["Hello World!", "Hello again", long.as_str()];
    let delays = [slow, Duration::ZERO, Duration::ZERO];
    let replies = futures::future::join_all(
        messages
            .iter()
            .zip(delays)
            .map(|(m, d)| echo_client(addr, m, d)),
    )
    .await;
    server.abort();
    messages
        .iter()
        .zip(replies)
        .map(|(m, r)| r.map(|(echo, t)| (m.to_string(), echo, t)))
        .collect()
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let stream = config.variant_of::<Stream>()?;
    let runtime = current_thread()?;
    match stream {
        Stream::Echo => echo(config, &runtime),
        Stream::HttpClient => http_client(config, &runtime),
    }
}

/// `echo`: three clients at once against the echo server, the first one slow.
fn echo(config: &RunConfig, runtime: &Runtime) -> anyhow::Result<Outcome> {
    let budget = config.budget();
    let slow = Duration::from_millis(50);
    let replies = block_on_within(runtime, budget, "the echo clients", echo_scene(slow))??;
    let mut table = TableData::new(
        "three clients at once; the first waits 50 ms before sending",
        &["sent", "echoed", "round trip"],
    );
    let clip = |s: &str| {
        if s.len() > 24 {
            format!("{}… ({} bytes)", &s[..20], s.len())
        } else {
            s.to_string()
        }
    };
    for (m, e, t) in &replies {
        table.row([clip(m), clip(e), human(*t)]);
    }
    let expected = |m: &str| m[..m.len().min(READ_SIZE)].to_string();
    let echoed = replies.iter().all(|(m, e, _)| *e == expected(m));
    let fast_not_held = replies[1..].iter().all(|r| r.2 < slow);
    Ok(config.outcome(Verdict::from(echoed && fast_not_held))
        .table(table)
        .duration(
            "slowest fast-client round trip",
            replies[1..].iter().map(|r| r.2).max().unwrap_or_default(),
        )
        .as_key()
        .line("The server reads at most 100 bytes, like the book's reader.read(100): the 150-byte message comes back cut to 100.")
        .line("The slow client's 50 ms is a sleep: latency is the subject.")
        .notice("one task per connection: a slow client parks its own task while the server answers the others"))
}

/// `http-client`: the python page from the local HTTP server, then all five pages together.
fn http_client(config: &RunConfig, runtime: &Runtime) -> anyhow::Result<Outcome> {
    let budget = config.budget();
    let server = StatusServer::start().context("starting the local HTTP server")?;
    let python = PAGES
        .iter()
        .find(|p| p.name == "python")
        .context("the python page")?;
    let url = server.url("/pages/python");
    let fetched = block_on_within(runtime, budget, "the GET", get(&url))??;
    let urls: Vec<String> = PAGES
        .iter()
        .map(|p| server.url(&format!("/pages/{}", p.name)))
        .collect();
    let start = std::time::Instant::now();
    let all = block_on_within(
        runtime,
        budget,
        "the five GETs",
        futures::future::join_all(urls.iter().map(|u| get(u))),
    )?;
    let together = start.elapsed();
    let mut table = TableData::new(
        "the book's five pages, fetched together with join_all",
        &["page", "stands for", "status", "bytes"],
    );
    let mut all_ok = true;
    for (page, got) in PAGES.iter().zip(&all) {
        match got {
            Ok(f) => {
                all_ok &= f.status == 200 && f.body.len() == page.bytes;
                table.row([
                    page.name.to_string(),
                    page.stands_for.to_string(),
                    f.status.to_string(),
                    format::count(f.body.len()),
                ]);
            }
            Err(e) => {
                all_ok = false;
                table.row([
                    page.name.to_string(),
                    page.stands_for.to_string(),
                    "error".to_string(),
                    e.to_string(),
                ]);
            }
        }
    }
    let exact = fetched.status == 200 && fetched.body == page_body(python).as_bytes();
    Ok(config.outcome(Verdict::from(exact && all_ok))
        .table(table)
        .count("python page length", fetched.body.len(), "bytes").as_key()
        .duration("five pages together", together)
        .line(format!(
            "GET {url}: status {}, the HTML is {} long (the book prints len(html) for python.org).",
            fetched.status,
            format::counted(fetched.body.len(), "bytes")
        ))
        .line("Every request goes to the project's own HTTP server on 127.0.0.1: offline, repeatable.")
        .notice("an async client is a future per request: five downloads in flight on one thread"))
}
