//! The local HTTP status server that chapters 5, 10 and 11 talk to, and a small async client.
//!
//! The book pings `httpstat.us` and downloads pages from the internet; here every request goes to
//! a real HTTP/1.1 server (hyper, no TLS) that the example starts itself on `127.0.0.1:0`, so the
//! examples run offline, never depend on someone else's service and can be timed honestly. Its
//! routes stand in for what the book fetched:
//!
//! | route | answer |
//! |---|---|
//! | `/status/{code}?sleep=ms` | that status code (200–599) after `ms` milliseconds, like httpstat.us |
//! | `/pages` | the pages below, one `name bytes` line each |
//! | `/pages/{name}?sleep=ms` | an HTML page the size of the one the book saved (0.2–50 KB) |
//! | `/bytes/{n}?chunk=k&chunk_delay=ms` | `n` bytes streamed in `k`-byte chunks, `ms` apart |
//! | `/` | this list |
//!
//! `?sleep=ms` works on every route (at most 60 s). Anything else gets a clear error status: 404
//! for an unknown path, 405 for a method other than GET or HEAD, 400 for a bad parameter, and
//! hyper's own 400 for a malformed request; the server stays up.
//!
//! The server runs on its own thread with its own single-threaded tokio runtime: a thousand
//! sleeping requests cost a thousand small tasks, not a thousand threads, and the clients under
//! test (blocking threads or another runtime) never share a scheduler with it. It counts what it
//! served, including the peak number of requests in flight, so a rate limiter can be checked from
//! the server's side. Dropping it stops accepting, lets requests in flight finish (up to a grace
//! period) and joins the thread.

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The longest `?sleep=` the server accepts, so no request can pin a connection for long.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);
/// The largest `/bytes/{n}` body.
pub const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
/// How long a dropped server waits for requests in flight before it closes them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// A client must send its request head within this time, or the connection is closed.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A page to download: a stand-in for one the book fetched, of the size the book saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// The name in `/pages/{name}`.
    pub name: &'static str,
    /// What it stands in for.
    pub stands_for: &'static str,
    /// Its exact size in bytes.
    pub bytes: usize,
}

/// The pages the server offers: chapter 5's `google.html` and chapter 11's five downloads.
pub const PAGES: &[Page] = &[
    Page {
        name: "google",
        stands_for: "http://www.google.com (chapter 5's google.html, chapter 11's google.com)",
        bytes: 11_264,
    },
    Page {
        name: "packtpub",
        stands_for: "http://packtpub.com (a short redirect page)",
        bytes: 230,
    },
    Page {
        name: "python",
        stands_for: "https://www.python.org",
        bytes: 49_152,
    },
    Page {
        name: "asyncio",
        stands_for: "https://docs.python.org/3/library/asyncio",
        bytes: 12_800,
    },
    Page {
        name: "aiohttp",
        stands_for: "https://aiohttp.readthedocs.io",
        bytes: 30_720,
    },
];

/// Finds a page by name.
pub fn page(name: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.name == name)
}

/// The page's HTML: deterministic, exactly `page.bytes` long, so a download can be checked byte
/// for byte.
pub fn page_body(page: &Page) -> String {
    const WORDS: &[&str] = &[
        "concurrency",
        "thread",
        "request",
        "latency",
        "socket",
        "future",
        "await",
        "lock",
        "queue",
        "process",
    ];
    let head = format!(
        "<!doctype html><html><head><title>{}</title></head><body><h1>{}</h1><p>",
        page.name, page.stands_for
    );
    let tail = "</p></body></html>\n";
    let mut html = head;
    let mut word = 0;
    while html.len() + tail.len() < page.bytes {
        let next = WORDS[word % WORDS.len()];
        word += 1;
        let room = page.bytes - tail.len() - html.len();
        if room > next.len() {
            html.push_str(next);
            html.push(' ');
        } else {
            html.extend(std::iter::repeat_n('.', room));
        }
    }
    html.push_str(tail);
    html.truncate(page.bytes);
    html
}

/// What the server has seen since it started (or since [`StatusServer::reset_peak`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerStats {
    /// Requests answered (any status); one cut off before its answer was ready is not counted.
    pub requests: u64,
    /// Requests being handled right now.
    pub in_flight: usize,
    /// The most requests ever handled at once.
    pub peak_in_flight: usize,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

/// Marks one request in flight for as long as it lives, so a cancelled request is counted out.
struct InFlight<'a>(&'a Counters);

impl<'a> InFlight<'a> {
    fn enter(counters: &'a Counters) -> Self {
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(counters)
    }
}

impl InFlight<'_> {
    fn answered(self) {
        self.0.requests.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running status server. Drop it (or call [`StatusServer::shutdown`]) to stop it.
#[derive(Debug)]
pub struct StatusServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl StatusServer {
    /// Starts a server on an ephemeral loopback port (`127.0.0.1:0`).
    pub fn start() -> io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts a server on `addr`; port 0 picks a free one (read it back with [`Self::addr`]).
    pub fn bind(addr: SocketAddr) -> io::Result<Self> {
        let listener = StdTcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let counters = Arc::new(Counters::default());
        let (stop, stopped) = watch::channel(false);
        let served = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("status-server".into())
            .spawn(move || runtime.block_on(accept_loop(listener, served, stopped)))?;
        Ok(StatusServer {
            addr,
            counters,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of a path on this server, e.g. `url("/status/200")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// What it has served so far.
    pub fn stats(&self) -> ServerStats {
        ServerStats {
            requests: self.counters.requests.load(Ordering::SeqCst),
            in_flight: self.counters.in_flight.load(Ordering::SeqCst),
            peak_in_flight: self.counters.peak_in_flight.load(Ordering::SeqCst),
        }
    }

    /// Starts a new peak-in-flight measurement (the request count is kept).
    pub fn reset_peak(&self) {
        let now = self.counters.in_flight.load(Ordering::SeqCst);
        self.counters.peak_in_flight.store(now, Ordering::SeqCst);
    }

    /// Blocks until Ctrl-C (SIGINT), then shuts down gracefully. For `serve` commands.
    pub fn serve_until_interrupted(self) -> io::Result<ServerStats> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(tokio::signal::ctrl_c())?;
        Ok(self.shutdown())
    }

    /// Stops accepting, lets requests in flight finish (up to [`SHUTDOWN_GRACE`]), joins the
    /// server thread and returns the final counts.
    pub fn shutdown(mut self) -> ServerStats {
        self.stop_and_join();
        self.stats()
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StatusServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

async fn accept_loop(
    listener: StdTcpListener,
    counters: Arc<Counters>,
    mut stopped: watch::Receiver<bool>,
) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(
                        stream,
                        Arc::clone(&counters),
                        stopped.clone(),
                    ));
                }
                // Out of descriptors or a reset before accept: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = stopped.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

async fn serve_connection(
    stream: TcpStream,
    counters: Arc<Counters>,
    mut stopped: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| {
        let counters = Arc::clone(&counters);
        async move {
            let in_flight = InFlight::enter(&counters);
            let response = respond(request).await;
            // Reached only when the answer is ready: a request cut off (shutdown, or a client
            // that hung up) is counted out of flight by the guard but never as answered.
            in_flight.answered();
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped.changed() => {
            // Finish the request in flight, then close instead of waiting for the next one.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

type Body = BoxBody<Bytes, Infallible>;

/// A request the server refuses before doing any work (and before any `?sleep=`).
struct Rejection(StatusCode, String);

impl From<Rejection> for Response<Body> {
    fn from(Rejection(status, message): Rejection) -> Self {
        text(status, message)
    }
}

fn text(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(message.into())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The query parameters the routes understand, parsed and checked.
#[derive(Debug, Default)]
struct Query {
    sleep: Duration,
    chunk: Option<usize>,
    chunk_delay: Duration,
}

fn parse_query(query: Option<&str>) -> Result<Query, String> {
    let mut parsed = Query::default();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{key}={value:?} is not a whole number"))
        };
        match key {
            "sleep" | "chunk_delay" => {
                let delay = Duration::from_millis(number()?);
                if delay > MAX_SLEEP {
                    return Err(format!(
                        "{key}={value} is too long: at most {} ms",
                        MAX_SLEEP.as_millis()
                    ));
                }
                if key == "sleep" {
                    parsed.sleep = delay;
                } else {
                    parsed.chunk_delay = delay;
                }
            }
            "chunk" => match number()? {
                0 => return Err("chunk=0: a chunk must hold at least one byte".into()),
                n => parsed.chunk = Some(usize::try_from(n).unwrap_or(usize::MAX)),
            },
            // Unknown parameters are ignored, as most servers do (curl adds none, browsers some).
            _ => {}
        }
    }
    Ok(parsed)
}

fn index() -> String {
    let mut lines = vec![
        "Local status server (chapters 5, 10 and 11). Routes:".to_string(),
        "  GET /status/{code}?sleep=ms          that status (200-599) after ms milliseconds"
            .to_string(),
        "  GET /pages                           the pages to download".to_string(),
        "  GET /pages/{name}?sleep=ms           one page".to_string(),
        "  GET /bytes/{n}?chunk=k&chunk_delay=ms  n bytes streamed in k-byte chunks".to_string(),
    ];
    lines.push(format!(
        "sleep and chunk_delay are at most {} ms; /bytes at most {MAX_STREAM_BYTES} bytes.",
        MAX_SLEEP.as_millis()
    ));
    lines.join("\n") + "\n"
}

async fn respond(request: Request<Incoming>) -> Response<Body> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} is not served here: use GET or HEAD\n", request.method()),
        );
        response
            .headers_mut()
            .insert(ALLOW, hyper::header::HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let query = match parse_query(request.uri().query()) {
        Ok(query) => query,
        Err(reason) => return text(StatusCode::BAD_REQUEST, reason + "\n"),
    };
    let segments: Vec<&str> = request
        .uri()
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    // Validate before sleeping, so a bad request fails fast.
    let answer = match segments.as_slice() {
        [] => Ok(text(StatusCode::OK, index())),
        ["status", code] => status_response(code),
        ["pages"] => Ok(text(
            StatusCode::OK,
            PAGES
                .iter()
                .map(|p| format!("{} {}\n", p.name, p.bytes))
                .collect::<String>(),
        )),
        ["pages", name] => match page(name) {
            Some(page) => {
                let mut response = Response::new(Full::new(Bytes::from(page_body(page))).boxed());
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Ok(response)
            }
            None => Err(Rejection(
                StatusCode::NOT_FOUND,
                format!(
                    "no page {name:?}; pages: {}\n",
                    PAGES.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                ),
            )),
        },
        ["bytes", n] => stream_response(n, &query),
        _ => Err(Rejection(
            StatusCode::NOT_FOUND,
            format!("no route {}\n\n{}", request.uri().path(), index()),
        )),
    };
    match answer {
        Ok(response) => {
            tokio::time::sleep(query.sleep).await;
            response
        }
        Err(rejection) => rejection.into(),
    }
}

fn status_response(code: &str) -> Result<Response<Body>, Rejection> {
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|c| (200..=599).contains(c))
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| {
            Rejection(
                StatusCode::BAD_REQUEST,
                format!("/status/{code}: give a status code from 200 to 599\n"),
            )
        })?;
    let reason = status.canonical_reason().unwrap_or(match status.as_u16() {
        // Cloudflare's, which the book checks: the origin took too long.
        524 => "A Timeout Occurred",
        _ => "Unknown",
    });
    let mut response = text(status, format!("{} {reason}\n", status.as_u16()));
    if status.canonical_reason().is_none() {
        // Without this, hyper writes no reason phrase for codes outside the standard (524).
        response
            .extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(reason.as_bytes()));
    }
    Ok(response)
}

fn stream_response(n: &str, query: &Query) -> Result<Response<Body>, Rejection> {
    let total = n
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= MAX_STREAM_BYTES)
        .ok_or_else(|| {
            Rejection(
                StatusCode::BAD_REQUEST,
                format!("/bytes/{n}: give a size from 0 to {MAX_STREAM_BYTES}\n"),
            )
        })?;
    let chunk = query.chunk.unwrap_or(16 * 1024) as u64;
    let delay = query.chunk_delay;
    // Each chunk is a run of one letter, a to z in turn, so a reader can tell chunks apart.
    let chunks = futures::stream::unfold(0u64, move |sent| async move {
        if sent >= total {
            return None;
        }
        if sent > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let len = chunk.min(total - sent);
        let letter = b'a' + ((sent / chunk) % 26) as u8;
        let bytes = Bytes::from(vec![letter; len as usize]);
        Some((Ok::<_, Infallible>(Frame::data(bytes)), sent + len))
    });
    Ok(Response::new(BodyExt::boxed(StreamBody::new(chunks))))
}

/// What [`get`] returns: the status, the whole body, and how long the exchange took.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The HTTP status code.
    pub status: u16,
    /// The body, collected.
    pub body: Bytes,
    /// From connecting to the last body byte.
    pub elapsed: Duration,
}

/// Sends `GET url` on a new connection and returns the response with its body still streaming
/// (read it frame by frame with `http_body_util::BodyExt::frame`). Only `http://` URLs: this is
/// a client for the local server. Must be called inside a tokio runtime with I/O enabled.
pub async fn get_streaming(url: &str) -> anyhow::Result<Response<Incoming>> {
    let uri: Uri = url.parse().with_context(|| format!("bad URL {url:?}"))?;
    if uri.scheme_str() != Some("http") {
        bail!("only http:// URLs are fetched here, not {url:?}");
    }
    let authority = uri
        .authority()
        .with_context(|| format!("no host in {url:?}"))?
        .clone();
    let port = authority.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((authority.host(), port))
        .await
        .with_context(|| format!("connecting to {authority}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP handshake")?;
    // The connection future moves the bytes; it ends when the response body is read or dropped.
    tokio::spawn(connection);
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    let request = Request::get(path)
        .header(HOST, authority.as_str())
        .body(Empty::<Bytes>::new())
        .context("building the request")?;
    sender
        .send_request(request)
        .await
        .with_context(|| format!("GET {url}"))
}

/// Sends `GET url` on a new connection and collects the whole body. See [`get_streaming`].
pub async fn get(url: &str) -> anyhow::Result<Fetched> {
    let started = Instant::now();
    let response = get_streaming(url).await?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .with_context(|| format!("reading the body of {url}"))?
        .to_bytes();
    Ok(Fetched {
        status,
        body,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    fn fetch(url: &str) -> Fetched {
        runtime().block_on(get(url)).expect("the request succeeds")
    }

    /// Sends raw bytes and returns everything the server answers before it closes.
    fn raw(server: &StatusServer, request: &[u8]) -> String {
        let mut stream = std::net::TcpStream::connect(server.addr()).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("sets a timeout");
        stream.write_all(request).expect("writes");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[test]
    fn every_status_the_book_checks_comes_back() {
        let server = StatusServer::start().expect("starts");
        for code in [200, 400, 404, 408, 500, 524] {
            let fetched = fetch(&server.url(&format!("/status/{code}")));
            assert_eq!(fetched.status, code);
            assert!(String::from_utf8_lossy(&fetched.body).starts_with(&code.to_string()));
        }
        let head = raw(
            &server,
            b"GET /status/524 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(
            head.starts_with("HTTP/1.1 524 A Timeout Occurred\r\n"),
            "{head:?}"
        );
        assert_eq!(server.shutdown().requests, 7);
    }

    #[test]
    fn sleep_delays_the_answer_by_at_least_that_long() {
        let server = StatusServer::start().expect("starts");
        let fetched = fetch(&server.url("/status/200?sleep=150"));
        assert_eq!(fetched.status, 200);
        assert!(fetched.elapsed >= Duration::from_millis(150));
    }

    #[test]
    fn pages_have_their_exact_sizes() {
        let server = StatusServer::start().expect("starts");
        for page in PAGES {
            let fetched = fetch(&server.url(&format!("/pages/{}", page.name)));
            assert_eq!(fetched.status, 200);
            assert_eq!(fetched.body.len(), page.bytes, "{}", page.name);
            assert_eq!(fetched.body, page_body(page).as_bytes());
        }
    }

    #[test]
    fn bytes_stream_in_chunks_of_the_asked_size() {
        let server = StatusServer::start().expect("starts");
        let fetched = fetch(&server.url("/bytes/10000?chunk=4096&chunk_delay=1"));
        assert_eq!(fetched.body.len(), 10_000);
        assert!(fetched.body[..4096].iter().all(|&b| b == b'a'));
        assert!(fetched.body[4096..8192].iter().all(|&b| b == b'b'));
        assert!(fetched.body[8192..].iter().all(|&b| b == b'c'));
    }

    #[test]
    fn bad_requests_get_clear_errors_and_the_server_stays_up() {
        let server = StatusServer::start().expect("starts");
        for (path, status) in [
            ("/status/99", 400),
            ("/status/abc", 400),
            ("/status/200?sleep=lots", 400),
            ("/status/200?sleep=999999", 400),
            ("/bytes/10?chunk=0", 400),
            ("/pages/nope", 404),
            ("/nowhere", 404),
        ] {
            assert_eq!(fetch(&server.url(path)).status, status, "{path}");
        }
        let garbage = raw(&server, b"\x00\x01 not http at all\r\n\r\n");
        assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
        let post = raw(
            &server,
            b"POST /status/200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(post.starts_with("HTTP/1.1 405"), "{post:?}");
        assert_eq!(fetch(&server.url("/status/200")).status, 200);
    }

    #[test]
    fn peak_in_flight_counts_concurrent_requests() {
        let server = StatusServer::start().expect("starts");
        let url = server.url("/status/200?sleep=200");
        runtime().block_on(async {
            let requests = (0..5).map(|_| get(&url));
            for fetched in futures::future::join_all(requests).await {
                assert_eq!(fetched.expect("succeeds").status, 200);
            }
        });
        // All five were sleeping on the server at once: the delay is far longer than a connect.
        assert_eq!(server.stats().peak_in_flight, 5);
        server.reset_peak();
        assert_eq!(server.stats().peak_in_flight, 0);
    }

    #[test]
    fn shutdown_lets_the_request_in_flight_finish() {
        let server = StatusServer::start().expect("starts");
        let url = server.url("/status/200?sleep=300");
        let client = std::thread::spawn(move || fetch(&url).status);
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.stats().in_flight == 0 {
            assert!(Instant::now() < deadline, "the request never arrived");
            std::thread::yield_now();
        }
        let stats = server.shutdown();
        assert_eq!(client.join().expect("the client thread"), 200);
        assert_eq!(stats.requests, 1);
    }

    #[test]
    fn a_request_cut_off_at_shutdown_is_not_counted_as_answered() {
        let server = StatusServer::start().expect("starts");
        let url = server.url("/status/200?sleep=60000");
        let client = std::thread::spawn(move || runtime().block_on(get(&url)).is_err());
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.stats().in_flight == 0 {
            assert!(Instant::now() < deadline, "the request never arrived");
            std::thread::yield_now();
        }
        let stats = server.shutdown();
        assert_eq!((stats.requests, stats.in_flight), (0, 0));
        assert!(
            client.join().expect("the client thread"),
            "the client got no answer"
        );
    }

    #[test]
    fn only_http_urls_are_fetched() {
        let error = runtime()
            .block_on(get("https://127.0.0.1:1/"))
            .expect_err("https is refused");
        assert!(error.to_string().contains("only http://"), "{error}");
    }
}
