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
//!
//! Its limits ([`Limits`], stated by `chapter-5 serve` at start-up and in `--help`): at most
//! 4,096 connections (one more is answered `503` and closed, never queued); a request head of at
//! most 16 KB (hyper answers `431` beyond it); 10 s to send a whole head, which is also how long
//! an idle keep-alive connection stays open; `?sleep=` up to 60 s; `/bytes/{n}` up to 64 MB in
//! chunks of at most 64 KB, so one connection holds at most one chunk (and hyper's write buffer)
//! for a client that does not read; and 10 s for the socket to take any byte of a reply, after
//! which the connection is closed (the client that never reads, [`stall`]). The listen backlog is the system's maximum
//! ([`crate::net`]).
//! A client that sends a whole request and then half-closes (`nc -N`, `shutdown(SHUT_WR)`) is
//! still answered.

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

mod client;
mod limits;
mod pages;
mod routes;
mod stall;

pub use client::{Fetched, get, get_streaming};
use limits::refuse;
pub use limits::{BUSY_REPLY, Limits};
pub use pages::{PAGES, Page, page, page_body};
use routes::respond;
use stall::{Stalling, WriteCounters};

/// The longest `?sleep=` the server accepts, so no request can pin a connection for long.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);
/// The largest `/bytes/{n}` body.
pub const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
/// The largest `?chunk=` of a `/bytes/{n}` stream: what one connection buffers at most.
pub const MAX_CHUNK: usize = 64 * 1024;
/// How long a dropped server waits for requests in flight before it closes them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// What the server has seen since it started (or since [`StatusServer::reset_peak`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerStats {
    /// Requests answered (any status); one cut off before its answer was ready is not counted.
    pub requests: u64,
    /// Requests being handled right now.
    pub in_flight: usize,
    /// The most requests ever handled at once.
    pub peak_in_flight: usize,
    /// Connections open right now.
    pub connections: usize,
    /// The most connections ever open at once.
    pub peak_connections: usize,
    /// Connections refused with [`BUSY_REPLY`] because [`Limits::max_connections`] were open.
    pub rejected_busy: u64,
    /// The most bytes one connection ever had waiting on its socket in one write: hyper's
    /// buffered reply, the server's own memory held for a client that does not read.
    pub peak_queued_bytes: usize,
    /// The most bytes one connection has handed to its socket (what the kernel took for it).
    pub peak_bytes_written: u64,
    /// Times a write found a socket full and started its [`Limits::write_timeout`].
    pub socket_full_waits: u64,
    /// Connections closed because the socket took no byte for [`Limits::write_timeout`].
    pub closed_stalled: u64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    connections: AtomicUsize,
    peak_connections: AtomicUsize,
    rejected_busy: AtomicU64,
    writes: Arc<WriteCounters>,
}

/// Marks one connection open for as long as it lives.
struct Open(Arc<Counters>);

impl Open {
    fn enter(counters: &Arc<Counters>) -> Self {
        let now = counters.connections.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak_connections.fetch_max(now, Ordering::SeqCst);
        Open(Arc::clone(counters))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
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

    /// Starts a server on `addr` with the default [`Limits`]; port 0 picks a free one (read it
    /// back with [`Self::addr`]).
    pub fn bind(addr: SocketAddr) -> io::Result<Self> {
        Self::bind_with(addr, Limits::default())
    }

    /// Starts a server on `addr` with these limits.
    pub fn bind_with(addr: SocketAddr, limits: Limits) -> io::Result<Self> {
        let listener = crate::net::listen(addr)?;
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
            .spawn(move || runtime.block_on(accept_loop(listener, limits, served, stopped)))?;
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
            connections: self.counters.connections.load(Ordering::SeqCst),
            peak_connections: self.counters.peak_connections.load(Ordering::SeqCst),
            rejected_busy: self.counters.rejected_busy.load(Ordering::SeqCst),
            peak_queued_bytes: self.counters.writes.peak_queued.load(Ordering::SeqCst),
            peak_bytes_written: self.counters.writes.peak_written.load(Ordering::SeqCst),
            socket_full_waits: self.counters.writes.waits.load(Ordering::SeqCst),
            closed_stalled: self.counters.writes.stalled.load(Ordering::SeqCst),
        }
    }

    /// Starts a new peak-in-flight measurement (the request count is kept).
    pub fn reset_peak(&self) {
        let now = self.counters.in_flight.load(Ordering::SeqCst);
        self.counters.peak_in_flight.store(now, Ordering::SeqCst);
    }

    /// For `serve` commands: watches for Ctrl-C (SIGINT) and SIGTERM, calls `ready` (the
    /// handlers are in place by then, so a signal sent as soon as the address is printed is
    /// already graceful), blocks until either signal, then shuts down gracefully: requests in
    /// flight are answered. Returns the final counts and the signal's name.
    pub fn serve_until_signalled(
        self,
        ready: impl FnOnce(&Self),
    ) -> io::Result<(ServerStats, &'static str)> {
        use tokio::signal::unix::{SignalKind, signal};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (mut interrupt, mut term) = {
            let _context = runtime.enter();
            (
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            )
        };
        ready(&self);
        let name = runtime.block_on(async {
            tokio::select! {
                _ = interrupt.recv() => "Ctrl-C",
                _ = term.recv() => "SIGTERM",
            }
        });
        Ok((self.shutdown(), name))
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
    limits: Limits,
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
                Ok((mut stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    if counters.connections.load(Ordering::SeqCst) >= limits.max_connections {
                        // Full: say so and close, rather than queue a connection we cannot serve.
                        counters.rejected_busy.fetch_add(1, Ordering::SeqCst);
                        connections.spawn(async move {
                            let refused = refuse(&mut stream, BUSY_REPLY.as_bytes());
                            let _ = tokio::time::timeout(Duration::from_secs(1), refused).await;
                        });
                        continue;
                    }
                    let open = Open::enter(&counters);
                    connections.spawn(serve_connection(
                        stream,
                        limits,
                        Arc::clone(&counters),
                        stopped.clone(),
                        open,
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
    limits: Limits,
    counters: Arc<Counters>,
    mut stopped: watch::Receiver<bool>,
    _open: Open,
) {
    let stream = Stalling::new(stream, limits.write_timeout, Arc::clone(&counters.writes));
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
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_head_bytes)
        // A client that sends its request and then shuts down its sending side (`nc -N`,
        // `shutdown(SHUT_WR)`) is waiting for the answer: hyper's default takes that EOF as
        // "the client is gone" and closes without one.
        .half_close(true)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped.changed() => {
            // Finish the request in flight, then close instead of waiting for the next one.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::time::Instant;

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
