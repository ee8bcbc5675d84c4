//! Hostile clients against the chapter's status server (`common::http::StatusServer`, what
//! `chapter-5 serve` runs): slowloris, an over-long head, random binary, half-close after a whole
//! request, send-then-reset, a connect burst, idle keep-alive sockets, a full house, pipelining,
//! a stream the client never reads, and SIGTERM with requests in flight (the real binary).
//!
//! Loopback only, a bounded number of clients, short configured timeouts; each verdict rests on
//! the replies and the server's own counters (open connections, refusals, requests answered),
//! with generous timeouts only as hang guards.

#![cfg(not(shuttle))]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use common::http::{BUSY_REPLY, Limits, StatusServer};
use common::net::hostile::{
    ServerProcess, connect, exchange, garbage, read_to_close, reset, wait_until,
};

const LIMITS: Limits = Limits {
    max_connections: 8,
    header_read_timeout: Duration::from_millis(500),
    max_head_bytes: 16 * 1024,
    write_timeout: Duration::from_millis(500),
};

fn server() -> StatusServer {
    StatusServer::bind_with(SocketAddr::from(([127, 0, 0, 1], 0)), LIMITS).expect("starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn still_serves(server: &StatusServer) {
    let reply = exchange(
        server.addr(),
        b"GET /status/200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false,
    );
    assert!(
        text(&reply).starts_with("HTTP/1.1 200 OK"),
        "{}",
        text(&reply)
    );
}

fn all_closed(server: &StatusServer) {
    wait_until("every connection to close", || {
        server.stats().connections == 0
    });
}

#[test]
fn a_whole_request_then_half_close_is_answered() {
    let server = server();
    for request in [
        &b"GET /status/200 HTTP/1.0\r\n\r\n"[..],
        &b"GET /status/418 HTTP/1.1\r\nHost: x\r\n\r\n"[..],
    ] {
        let reply = text(&exchange(server.addr(), request, true));
        assert!(
            reply.contains(" 200 OK") || reply.contains(" 418 "),
            "{reply:?}"
        );
    }
    assert_eq!(server.shutdown().requests, 2);
}

#[test]
fn slowloris_is_closed_at_the_head_timeout() {
    let server = server();
    let mut stream = connect(server.addr());
    // A head that never ends, a few bytes at a time: the head timeout closes it.
    let mut closed = false;
    for _ in 0..200 {
        if stream.write_all(b"X-Slow: a\r\n").is_err() {
            closed = true;
            break;
        }
        if server.stats().connections == 0 {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        closed,
        "10 s of a never-ending head and the connection is still open"
    );
    all_closed(&server);
    still_serves(&server);
}

#[test]
fn an_over_long_head_gets_431_and_binary_gets_400() {
    let server = server();
    let mut head = b"GET /status/200 HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    head.extend(std::iter::repeat_n(b'a', 64 * 1024));
    head.extend_from_slice(b"\r\n\r\n");
    let reply = text(&exchange(server.addr(), &head, false));
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply:?}");
    let reply = text(&exchange(server.addr(), &garbage(5, 10_000), false));
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply:?}");
    all_closed(&server);
    still_serves(&server);
}

#[test]
fn send_then_reset_leaves_nothing_open() {
    let server = server();
    for _ in 0..5 {
        let mut stream = connect(server.addr());
        stream
            .write_all(b"GET /status/200?sleep=200 HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("sends");
        reset(stream);
    }
    all_closed(&server);
    wait_until("the cut-off requests to leave", || {
        server.stats().in_flight == 0
    });
    still_serves(&server);
}

#[test]
fn idle_keep_alive_sockets_are_closed_after_the_timeout() {
    let server = server();
    let mut idle: Vec<_> = (0..4).map(|_| connect(server.addr())).collect();
    wait_until("four connections", || server.stats().connections == 4);
    for stream in &mut idle {
        // Silent: the server closes it at the head timeout, unanswered.
        assert!(read_to_close(stream).is_empty());
    }
    all_closed(&server);
}

#[test]
fn one_connection_past_the_limit_is_told_503_and_nothing_grows() {
    let server = server();
    let held: Vec<_> = (0..LIMITS.max_connections)
        .map(|_| {
            let mut stream = connect(server.addr());
            // A request in progress keeps each one open past the head timeout.
            stream
                .write_all(b"GET /status/200?sleep=5000 HTTP/1.1\r\nHost: x\r\n\r\n")
                .expect("sends");
            stream
        })
        .collect();
    wait_until("the limit to be reached", || {
        server.stats().connections == LIMITS.max_connections
    });
    // Real clients send their request at once: the refusal must still reach them, not be lost
    // to a reset for the unread request.
    for _ in 0..20 {
        let reply = text(&exchange(
            server.addr(),
            b"GET /status/200 HTTP/1.1\r\nHost: x\r\n\r\n",
            false,
        ));
        assert_eq!(reply, BUSY_REPLY);
    }
    let stats = server.stats();
    assert_eq!(stats.rejected_busy, 20);
    assert_eq!(stats.peak_connections, LIMITS.max_connections);
    drop(held);
    all_closed(&server);
}

#[test]
fn a_connect_burst_is_served_within_the_limit() {
    let server = StatusServer::start().expect("starts");
    let clients: Vec<_> = (0..200).map(|_| connect(server.addr())).collect();
    for mut stream in clients {
        stream
            .write_all(b"GET /status/204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .expect("sends");
        let reply = text(&read_to_close(&mut stream));
        assert!(reply.starts_with("HTTP/1.1 204"), "{reply:?}");
    }
    let stats = server.shutdown();
    assert_eq!((stats.requests, stats.rejected_busy), (200, 0));
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = server();
    let reply = text(&exchange(
        server.addr(),
        b"GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /status/203 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false,
    ));
    let statuses: Vec<&str> = reply
        .lines()
        .filter_map(|line| line.strip_prefix("HTTP/1.1 "))
        .map(|rest| &rest[..3])
        .collect();
    assert_eq!(statuses, ["201", "202", "203"], "{reply:?}");
}

#[test]
fn a_client_that_never_reads_holds_one_chunk_and_a_huge_chunk_is_refused() {
    let server = server();
    let reply = text(&exchange(
        server.addr(),
        b"GET /bytes/1000000?chunk=1000000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false,
    ));
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply:?}");
    let mut stream = connect(server.addr());
    stream
        .write_all(b"GET /bytes/67108864 HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("sends");
    // Never read: the server stalls on a full socket, and its other clients are served.
    still_serves(&server);
    reset(stream);
    all_closed(&server);
}

/// Eight pipelined requests for 8 MB each (64 MB asked for), never read: the socket fills, the
/// write-stall deadline closes the connection, and the server's own accounting shows what it
/// held: one reply begun, at most one chunk plus hyper's buffer queued in the server, and far
/// less than one reply handed to the kernel.
#[test]
fn a_client_that_pipelines_and_never_reads_is_cut_at_the_write_timeout() {
    let server = server();
    let mut stream = connect(server.addr());
    let started = std::time::Instant::now();
    let request = b"GET /bytes/8388608?chunk=65536 HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(&request.repeat(8)).expect("sends");
    wait_until("the stalled connection to be cut", || {
        server.stats().closed_stalled == 1
    });
    // A timer never fires early: this lower bound cannot race.
    assert!(started.elapsed() >= LIMITS.write_timeout);
    all_closed(&server);
    let stats = server.stats();
    assert_eq!(
        stats.requests, 1,
        "only the first pipelined request was begun"
    );
    assert!(stats.socket_full_waits >= 1, "{stats:?}");
    let queued_bound = common::http::MAX_CHUNK + LIMITS.max_head_bytes + 1024;
    assert!(
        stats.peak_queued_bytes <= queued_bound,
        "the server queued {} bytes for one connection (bound {queued_bound})",
        stats.peak_queued_bytes
    );
    assert!(
        stats.peak_bytes_written < 8 * 1024 * 1024,
        "the kernel took {} bytes: a whole reply for a client that reads nothing",
        stats.peak_bytes_written
    );
    // What the client can still read is the start of the first reply, then the close.
    let mut start = [0u8; 16];
    stream.read_exact(&mut start).expect("the reply's start");
    assert!(text(&start).starts_with("HTTP/1.1 200"), "{}", text(&start));
    still_serves(&server);
}

/// A client that reads its 16 MB reply slowly, 64 KB every 10 ms (100 reads to each 1 s
/// deadline, a margin for a loaded machine), for longer than the deadline in all: 16 MB is more
/// than the kernel's buffers take on loopback (about 4 MB), so the socket fills again and again
/// and every wait ends with the socket taking bytes; it is never cut and gets every byte. A
/// deadline that did not start again on progress would cut it.
#[test]
fn a_slow_client_that_keeps_reading_is_never_cut() {
    const PAUSE: Duration = Duration::from_millis(10);
    let limits = Limits {
        write_timeout: Duration::from_secs(1),
        ..LIMITS
    };
    let server =
        StatusServer::bind_with(SocketAddr::from(([127, 0, 0, 1], 0)), limits).expect("starts");
    let mut stream = connect(server.addr());
    stream
        .write_all(
            b"GET /bytes/16777216?chunk=65536 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .expect("sends");
    wait_until("the socket to fill", || {
        server.stats().socket_full_waits >= 1
    });
    let (mut got, mut reads) = (Vec::new(), 0u32);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = stream.read(&mut buf).expect("reads");
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        reads += 1;
        std::thread::sleep(PAUSE);
    }
    let stats = server.stats();
    assert_eq!(
        stats.closed_stalled, 0,
        "a reading client was cut: {stats:?}"
    );
    // The reads alone lasted longer than the deadline (sleeps never end early).
    assert!(PAUSE * reads > 2 * limits.write_timeout, "{reads} reads");
    assert!(stats.socket_full_waits >= 2, "{stats:?}");
    let letters = got.iter().filter(|b| b.is_ascii_lowercase()).count();
    assert!(letters >= 16_777_216, "a cut-off body: {letters} letters");
    assert!(got.ends_with(b"0\r\n\r\n"), "no final chunk");
}

/// The real binary: SIGTERM while three streams are half sent; each must arrive whole.
#[test]
fn sigterm_lets_the_requests_in_flight_finish() {
    let mut server =
        ServerProcess::spawn(Command::new(env!("CARGO_BIN_EXE_chapter-5")).args(["serve"]));
    let first = server.read_line();
    let addr: SocketAddr = first
        .strip_prefix("status server listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    let limits = server.read_line();
    assert!(limits.starts_with("limits: 4,096 connections"), "{limits}");
    let mut streams: Vec<_> = (0..3)
        .map(|_| {
            let mut stream = connect(addr);
            stream
                .write_all(
                    b"GET /bytes/3000?chunk=1000&chunk_delay=300 HTTP/1.1\r\nHost: x\r\n\
                      Connection: close\r\n\r\n",
                )
                .expect("sends");
            // The head and the first chunk prove the request is in flight.
            let mut first = [0u8; 64];
            let n = stream.read(&mut first).expect("the answer starts");
            assert!(text(&first[..n]).starts_with("HTTP/1.1 200"));
            (stream, first[..n].to_vec())
        })
        .collect();
    server.signal(nix::sys::signal::Signal::SIGTERM);
    for (stream, start) in &mut streams {
        let mut whole = std::mem::take(start);
        whole.extend(read_to_close(stream));
        let body_at = whole
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a whole head")
            + 4;
        // Chunked transfer: the body is 3,000 letters between chunk-size lines.
        let letters = whole[body_at..]
            .iter()
            .filter(|b| (b'a'..=b'c').contains(b))
            .count();
        assert!(letters >= 3000, "a cut-off body: {}", text(&whole));
        assert!(
            whole.ends_with(b"0\r\n\r\n"),
            "no final chunk: {}",
            text(&whole)
        );
    }
    let status = server.wait_for_exit();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    let _ = server.stdout.read_to_string(&mut rest);
    assert!(rest.contains("by SIGTERM"), "{rest}");
}

/// The real binary, stopped (SIGSTOP) so it accepts nothing: 300 connects must all complete
/// into the listen backlog (std's 128 would drop the 130th SYN, retried only after a second),
/// and once it runs again every one is answered. A failed assertion kills and reaps the server
/// ([`ServerProcess`]), stopped or not.
#[test]
fn a_connect_burst_fits_the_listen_backlog_while_the_server_is_stopped() {
    use nix::sys::signal::Signal;
    let mut server =
        ServerProcess::spawn(Command::new(env!("CARGO_BIN_EXE_chapter-5")).args(["serve"]));
    let first = server.read_line();
    let addr: SocketAddr = first
        .strip_prefix("status server listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    server.signal(Signal::SIGSTOP);
    // A loopback handshake into the backlog takes microseconds: 2 s is a hang guard, and
    // shorter than the SYN retry a full backlog would force.
    let connected: Vec<_> = (0..300)
        .map(|i| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| (i, e))
        })
        .collect();
    server.signal(Signal::SIGCONT);
    let mut clients = Vec::new();
    for result in connected {
        match result {
            Ok(stream) => clients.push(stream),
            // The guard kills and reaps the server.
            Err((i, e)) => {
                panic!("connect {i} of 300 did not complete while the server was stopped: {e}")
            }
        }
    }
    for mut stream in clients {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("sets a timeout");
        stream
            .write_all(b"GET /status/204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .expect("sends");
        let reply = text(&read_to_close(&mut stream));
        assert!(reply.starts_with("HTTP/1.1 204"), "{reply:?}");
    }
    server.signal(Signal::SIGTERM);
    assert!(server.wait_for_exit().success());
}
