//! Hostile clients, one attack a test, against all three servers (blocking, reactor, tokio):
//! clients that send newlines and never read, an over-long line, a whole request then
//! half-close, send-then-reset, idle sockets past a short timeout, a full house, a connect
//! burst, pipelining. (Random binary in random chunks is `hostile.rs`'s property test; SIGTERM
//! with requests in flight is `cli.rs` and `shutdown.rs`.)
//!
//! Loopback only, a bounded number of clients; each verdict rests on the replies and the
//! server's own counters (bytes buffered per connection, connections, timeouts), with generous
//! timeouts only as hang guards.

use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use chapter_18::protocol::{BUSY, IDLE, Limits, MAX_REPLY, OUTPUT_HIGH_WATER, WELCOME};
use chapter_18::server::{Impl, ServerHandle, start_local};
use common::net::hostile::{
    ServerProcess, connect, exchange, read_line, read_to_close, reset, wait_until,
};

const LIMITS: Limits = Limits {
    max_line: 64,
    max_connections: 4,
    idle_timeout: Duration::from_millis(300),
};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn still_serves(server: &ServerHandle) {
    let reply = text(&exchange(server.addr, b"1,2,3\nquit\n", false));
    assert_eq!(reply, format!("{WELCOME}\n6\nbye\n"));
}

/// Every implementation, each with its own server.
fn each(limits: Limits, test: impl Fn(Impl, &ServerHandle)) {
    for implementation in Impl::ALL {
        let server = start_local(implementation, limits).expect("starts");
        test(implementation, &server);
        server.stop().expect("stops cleanly");
    }
}

#[test]
fn a_client_that_sends_newlines_and_never_reads_is_held_to_the_output_cap() {
    let limits = Limits {
        idle_timeout: Duration::from_secs(10),
        ..LIMITS
    };
    each(limits, |implementation, server| {
        let stream = connect(server.addr);
        stream
            .set_write_timeout(Some(Duration::from_millis(500)))
            .expect("sets a timeout");
        // Up to 8 MB of empty requests, each worth a 58-byte error line; we never read. The
        // writes stall once the server stops reading (its cap) and the socket buffers fill.
        let newlines = [b'\n'; 16 * 1024];
        for _ in 0..512 {
            if (&stream).write_all(&newlines).is_err() {
                break;
            }
        }
        wait_until("some requests answered", || server.stats().requests > 0);
        let stats = server.stats();
        assert!(
            stats.peak_output_buffered <= (OUTPUT_HIGH_WATER + MAX_REPLY) as u64,
            "{implementation:?} queued {} reply bytes for a client that never reads",
            stats.peak_output_buffered
        );
        assert!(
            stats.peak_input_buffered <= 64 * 1024,
            "{implementation:?} held {} request bytes",
            stats.peak_input_buffered
        );
        reset(stream);
        still_serves(server);
    });
}

#[test]
fn an_over_long_line_is_one_error_and_the_connection_goes_on() {
    each(LIMITS, |_, server| {
        let mut input = vec![b'7'; 100_000];
        input.extend_from_slice(b"\n1,2\nquit\n");
        let reply = text(&exchange(server.addr, &input, false));
        assert_eq!(
            reply,
            format!("{WELCOME}\nerror: line too long (at most 64 bytes)\n3\nbye\n")
        );
        assert!(server.stats().peak_input_buffered <= 64 * 1024);
    });
}

#[test]
fn a_whole_request_then_half_close_is_answered() {
    each(LIMITS, |_, server| {
        let reply = text(&exchange(server.addr, b"1,2,3\nproduct\n2,3\n", true));
        assert_eq!(
            reply,
            format!("{WELCOME}\n6\nswitched to product mode\n6\n")
        );
    });
}

#[test]
fn send_then_reset_leaves_the_server_serving() {
    each(LIMITS, |_, server| {
        for _ in 0..3 {
            let mut stream = connect(server.addr);
            stream.write_all(b"1,2\n3,4\n5,").expect("sends");
            reset(stream);
        }
        wait_until("the reset connections to close", || {
            let stats = server.stats();
            stats.closed == stats.accepted
        });
        still_serves(server);
    });
}

#[test]
fn idle_sockets_are_told_and_closed_after_the_timeout() {
    each(LIMITS, |implementation, server| {
        // The blocking server holds one at a time; the others all at once.
        let n = if implementation == Impl::Blocking {
            1
        } else {
            3
        };
        let mut idle: Vec<_> = (0..n).map(|_| connect(server.addr)).collect();
        for stream in &mut idle {
            let said = text(&read_to_close(stream));
            assert_eq!(said, format!("{WELCOME}\n{IDLE}\n"), "{implementation:?}");
        }
        wait_until("the idle timeouts counted", || {
            server.stats().idle_timeouts == n
        });
    });
}

#[test]
fn one_past_the_connection_limit_is_told_busy() {
    for implementation in [Impl::Reactor, Impl::Tokio] {
        let limits = Limits {
            idle_timeout: Duration::from_secs(10),
            ..LIMITS
        };
        let server = start_local(implementation, limits).expect("starts");
        let held: Vec<_> = (0..limits.max_connections)
            .map(|_| {
                let mut reader = BufReader::new(connect(server.addr));
                assert_eq!(read_line(&mut reader), WELCOME);
                reader
            })
            .collect();
        // Each sends its request at once: the refusal must reach it all the same, not be lost
        // to a reset for the unread request.
        for _ in 0..10 {
            let reply = text(&exchange(server.addr, b"1,2\n", false));
            assert_eq!(reply, format!("{BUSY}\n"), "{implementation:?}");
        }
        let stats = server.stats();
        assert_eq!(
            (stats.rejected_busy, stats.peak_connections),
            (10, limits.max_connections as u64)
        );
        drop(held);
        server.stop().expect("stops");
    }
}

#[test]
fn a_burst_of_300_connects_is_welcomed() {
    for implementation in [Impl::Reactor, Impl::Tokio] {
        let limits = Limits {
            max_connections: 512,
            idle_timeout: Duration::from_secs(10),
            ..LIMITS
        };
        let server = start_local(implementation, limits).expect("starts");
        let clients: Vec<TcpStream> = (0..300).map(|_| connect(server.addr)).collect();
        for stream in clients {
            let mut reader = BufReader::new(stream);
            assert_eq!(read_line(&mut reader), WELCOME, "{implementation:?}");
            let _ = reader.get_ref().shutdown(Shutdown::Both);
        }
        let stats = server.stop().expect("stops");
        assert_eq!((stats.accepted, stats.rejected_busy), (300, 0));
    }
}

#[test]
fn pipelined_requests_get_one_reply_each_in_order() {
    each(LIMITS, |_, server| {
        let reply = text(&exchange(
            server.addr,
            b"1,2\n3,4\nproduct\n2,3\nquit\n",
            false,
        ));
        assert_eq!(
            reply,
            format!("{WELCOME}\n3\n7\nswitched to product mode\n6\nbye\n")
        );
    });
}

#[test]
fn a_slow_client_holds_the_blocking_server_until_a_deadline_per_request_frees_it() {
    use chapter_18::slow_client::{Guard, measure};
    // Only the idle timeout: the trickling client is never idle, sends every byte, and the
    // second client is welcomed only after it gave up.
    let held = measure(Guard::IdleTimeout).expect("runs");
    assert!(
        !held.a_told_too_slow && !held.b_served_while_a_trickled,
        "{held:?}"
    );
    assert!(held.b_answered);
    // A deadline per request: the trickler is told and cut off, the second client served.
    let freed = measure(Guard::Deadline).expect("runs");
    assert!(freed.a_told_too_slow, "{freed:?}");
    assert!(freed.a_sent < held.a_sent, "{freed:?} vs {held:?}");
    assert!(freed.b_answered);
}

/// The real binary: 500 pipelined requests unread, then SIGTERM. Every request the server says
/// it answered reaches the client, each answer right, and the server exits cleanly.
#[test]
fn sigterm_with_pipelined_requests_in_flight_loses_no_answer() {
    use std::io::Read;
    for implementation in ["blocking", "reactor", "tokio"] {
        let mut server = ServerProcess::spawn(
            std::process::Command::new(env!("CARGO_BIN_EXE_chapter-18")).args([
                "serve",
                "--impl",
                implementation,
            ]),
        );
        let first = server.read_line();
        assert!(
            first.contains("KB of queued replies per connection"),
            "{first}"
        );
        let addr: std::net::SocketAddr = first
            .split_whitespace()
            .find_map(|word| word.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        let mut stream = connect(addr);
        let mut welcome = [0u8; WELCOME.len() + 1];
        std::io::Read::read_exact(&mut stream, &mut welcome).expect("welcomed");
        stream.write_all(&b"1,2\n".repeat(500)).expect("sends");
        server.signal(nix::sys::signal::Signal::SIGTERM);
        let replies = text(&read_to_close(&mut stream));
        assert!(
            replies.lines().all(|l| l == "3"),
            "{implementation}: {replies:?}"
        );
        let got = replies.lines().count();
        assert!(server.wait_for_exit().success(), "{implementation}");
        let mut rest = String::new();
        let _ = server.stdout.read_to_string(&mut rest);
        assert!(
            rest.contains(&format!("{got} request(s) answered")),
            "{implementation}: the client got {got} answers; the server says {rest}"
        );
    }
}

/// The real binary, stopped (SIGSTOP) so it accepts nothing: 300 connects must all complete
/// into the listen backlog (std's 128 would drop the 130th SYN, retried only after a second).
/// The server is a [`ServerProcess`]: a failed assertion kills and reaps it, stopped or not.
#[test]
fn a_connect_burst_fits_the_listen_backlog_while_the_server_is_stopped() {
    use nix::sys::signal::Signal;
    let mut server = ServerProcess::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_chapter-18"))
            .args(["serve", "--impl", "reactor"]),
    );
    let first = server.read_line();
    let addr: std::net::SocketAddr = first
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    server.signal(Signal::SIGSTOP);
    // Microseconds each on loopback: 2 s is a hang guard, shorter than a SYN retry.
    let connected: Vec<_> = (0..300)
        .map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)))
        .collect();
    server.signal(Signal::SIGCONT);
    let failed = connected.iter().position(Result::is_err);
    let welcomed = connected
        .into_iter()
        .flatten()
        .filter(|stream| {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
            read_line(&mut BufReader::new(stream)) == WELCOME
        })
        .count();
    server.signal(Signal::SIGTERM);
    assert!(server.wait_for_exit().success());
    assert_eq!(
        failed, None,
        "a connect did not complete while the server was stopped"
    );
    assert_eq!(welcomed, 300);
}

#[test]
fn a_trickling_client_holds_only_its_own_connection_on_the_reactor_and_tokio() {
    for implementation in [Impl::Reactor, Impl::Tokio] {
        let server = start_local(implementation, LIMITS).expect("starts");
        let mut slow = connect(server.addr);
        // A byte at a time, never silent for the idle timeout, never a newline.
        for _ in 0..3 {
            slow.write_all(b"1").expect("trickles");
            still_serves(&server);
        }
        slow.write_all(b"\n").expect("ends the line");
        let mut reader = BufReader::new(slow);
        assert_eq!(read_line(&mut reader), WELCOME);
        assert_eq!(read_line(&mut reader), "111", "{implementation:?}");
        drop(reader);
        server.stop().expect("stops");
    }
}
