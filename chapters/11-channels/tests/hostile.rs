//! Hostile clients against the framed protocol server that `chapter-11 serve` runs: pipelined
//! PINGs (one write, every reply, no Nagle stall), idle sockets past a short timeout, a full
//! house, a store flood, a client that never reads, an over-long line, random binary, a whole
//! request then half-close, send-then-reset, a connect burst. (SIGTERM with a request in flight
//! is `cli.rs`'s `serve_drains_on`.)
//!
//! Loopback only, a bounded number of clients; each verdict rests on the replies and the
//! server's own counters (open connections, refusals, keys, queued reply bytes), with generous
//! timeouts only as hang guards.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use chapter_11::framed_protocol::{
    BUSY, IDLE, Limits, OUTPUT_BUFFER, STORE_FULL, Shared, Stats, serve_framed,
};
use common::net::hostile::{
    connect, exchange, garbage, read_line, read_to_close, reset, wait_until,
};

const LIMITS: Limits = Limits {
    max_connections: 4,
    idle_timeout: Duration::from_millis(300),
    max_keys: 50,
};

/// The server `serve` runs, on its own runtime thread, until dropped.
struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(limits: Limits) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("an address");
        let shared = Arc::new(Shared::with_limits(limits));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handler_shared = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listens");
                chapter_11::drain::serve(
                    listener,
                    async move {
                        let _ = stopped.await;
                    },
                    Duration::from_secs(2),
                    move |stream, token| serve_framed(stream, Arc::clone(&handler_shared), token),
                )
                .await;
            });
        });
        Server {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn stats(&self) -> Stats {
        self.shared.stats()
    }

    fn all_closed(&self) {
        wait_until("every connection to close", || self.stats().open == 0);
    }

    fn still_serves(&self) {
        assert_eq!(
            text(&exchange(self.addr, b"PING\nQUIT\n", false)),
            "PONG\nBYE\n"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn pipelined_pings_are_answered_in_one_go_with_nodelay() {
    let server = Server::start(LIMITS);
    let stream = connect(server.addr);
    let mut reader = BufReader::new(stream.try_clone().expect("clones"));
    for _ in 0..20 {
        (&stream).write_all(b"PING\nPING\nPING\n").expect("sends");
        for _ in 0..3 {
            assert_eq!(read_line(&mut reader), "PONG");
        }
    }
    // The server's side of the fix (a client cannot see Nagle's delay without a clock): the
    // socket has TCP_NODELAY, and a batch's three replies leave in one write, not three (a
    // batch split across two reads may take two).
    let stats = server.stats();
    assert_eq!(
        stats.nodelay, 1,
        "TCP_NODELAY is not set on the accepted socket"
    );
    assert!(
        stats.flushes <= 40,
        "{} writes for 20 batches of 3",
        stats.flushes
    );
    drop(reader);
    drop(stream);
    server.all_closed();
}

#[test]
fn idle_sockets_are_told_and_closed_after_the_timeout() {
    let server = Server::start(LIMITS);
    let mut idle: Vec<_> = (0..3).map(|_| connect(server.addr)).collect();
    for stream in &mut idle {
        assert_eq!(text(&read_to_close(stream)), format!("{IDLE}\n"));
    }
    server.all_closed();
    assert_eq!(server.stats().idle_timeouts, 3);
}

#[test]
fn one_past_the_connection_limit_is_told_busy_and_nothing_grows() {
    let server = Server::start(Limits {
        idle_timeout: Duration::from_secs(10),
        ..LIMITS
    });
    let held: Vec<_> = (0..LIMITS.max_connections)
        .map(|_| {
            let mut reader = BufReader::new(connect(server.addr));
            reader.get_mut().write_all(b"PING\n").expect("sends");
            assert_eq!(read_line(&mut reader), "PONG");
            reader
        })
        .collect();
    for _ in 0..5 {
        assert_eq!(
            text(&exchange(server.addr, b"PING\n", false)),
            format!("{BUSY}\n")
        );
    }
    let stats = server.stats();
    assert_eq!((stats.rejected_busy, stats.peak_open), (5, 4));
    drop(held);
    server.all_closed();
    server.still_serves();
}

#[test]
fn a_store_flood_is_refused_past_the_key_limit() {
    let server = Server::start(LIMITS);
    let mut flood = Vec::new();
    for i in 0..200 {
        flood.extend_from_slice(format!("SET key{i} {}\n", "v".repeat(1000)).as_bytes());
    }
    // Overwriting a key already there is always allowed.
    flood.extend_from_slice(b"SET key0 new\nGET key0\nQUIT\n");
    let reply = text(&exchange(server.addr, &flood, false));
    let lines: Vec<&str> = reply.lines().collect();
    assert_eq!(lines.len(), 203, "{reply}");
    assert!(lines[..50].iter().all(|l| *l == "OK"));
    let refusal = format!("{STORE_FULL}: at most 50 keys");
    assert!(
        lines[50..200].iter().all(|l| *l == refusal),
        "{:?}",
        &lines[50..52]
    );
    assert_eq!(lines[200..], ["OK", "VALUE new", "BYE"]);
    let stats = server.stats();
    assert_eq!((stats.keys, stats.store_full), (50, 150));
}

#[test]
fn a_client_that_never_reads_is_held_to_the_output_buffer_then_closed() {
    let server = Server::start(LIMITS);
    let stream = connect(server.addr);
    stream
        .set_write_timeout(Some(Duration::from_millis(500)))
        .expect("sets a timeout");
    let echo = format!("ECHO {}\n", "x".repeat(1000)).repeat(64);
    // Until the server stops reading (its queue full, the socket buffers full) or closes.
    for _ in 0..1000 {
        if (&stream).write_all(echo.as_bytes()).is_err() {
            break;
        }
    }
    wait_until("the stalled reader to be closed", || {
        server.stats().open == 0
    });
    let stats = server.stats();
    assert!(stats.idle_timeouts >= 1, "{stats:?}");
    assert!(
        stats.peak_queued <= (OUTPUT_BUFFER + 1100) as u64,
        "{} reply bytes queued for a client that never reads",
        stats.peak_queued
    );
    drop(stream);
    server.still_serves();
}

#[test]
fn bad_frames_get_err_and_the_connection_goes_on() {
    let server = Server::start(LIMITS);
    let mut input = vec![b'a'; 100_000];
    input.push(b'\n');
    input.extend(garbage(7, 4000).into_iter().filter(|b| *b != b'\n'));
    input.extend_from_slice(b"\nPING\nQUIT\n");
    let reply = text(&exchange(server.addr, &input, false));
    let lines: Vec<&str> = reply.lines().collect();
    assert_eq!(lines.len(), 4, "{reply}");
    assert!(lines[0].starts_with("ERR line longer than"), "{}", lines[0]);
    assert!(lines[1].starts_with("ERR "), "{}", lines[1]);
    assert_eq!(lines[2..], ["PONG", "BYE"]);
}

#[test]
fn a_whole_request_then_half_close_is_answered() {
    let server = Server::start(LIMITS);
    let reply = text(&exchange(server.addr, b"SET a 1\nGET a\n", true));
    assert_eq!(reply, "OK\nVALUE 1\n");
    server.all_closed();
}

#[test]
fn send_then_reset_leaves_nothing_open() {
    let server = Server::start(LIMITS);
    for _ in 0..3 {
        let mut stream = connect(server.addr);
        stream.write_all(b"SLOW 100\nPING\nPI").expect("sends");
        reset(stream);
    }
    server.all_closed();
    server.still_serves();
}

#[test]
fn a_connect_burst_beyond_the_cap_is_refused_in_words() {
    let server = Server::start(Limits {
        idle_timeout: Duration::from_secs(10),
        ..LIMITS
    });
    let clients: Vec<TcpStream> = (0..100).map(|_| connect(server.addr)).collect();
    let mut busy = 0;
    let mut served = Vec::new();
    for stream in clients {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"PING\n").expect("sends");
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        match line.trim_end() {
            "PONG" => served.push(reader),
            l if l == BUSY => busy += 1,
            other => panic!("unexpected reply {other:?}"),
        }
    }
    assert_eq!((served.len(), busy), (4, 96));
    assert!(server.stats().peak_open <= 4);
}
