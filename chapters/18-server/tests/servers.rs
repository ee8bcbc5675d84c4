//! Every server over real loopback sockets: the protocol round trip for each implementation, and
//! 1,000 connections open at once against the reactor and the tokio server with every request
//! answered exactly once and correctly (the load generator checks each answer against its own
//! arithmetic, and that nothing follows `bye`).

use std::time::Duration;

use chapter_18::load::{self, LoadConfig};
use chapter_18::protocol::Limits;
use chapter_18::server::{Impl, start_local};
use chapter_18::sum_product::play_session;

#[test]
fn every_implementation_speaks_the_protocol() {
    for implementation in Impl::ALL {
        let server = start_local(implementation, Limits::default()).expect("starts");
        let rows = play_session(server.addr).expect("session");
        for (sent, want, got) in &rows {
            assert_eq!(got, want, "{implementation:?}: {sent}");
        }
        let stats = server.stop().expect("stops");
        assert_eq!(stats.requests, rows.len() as u64, "{implementation:?}");
        assert_eq!((stats.accepted, stats.closed), (1, 1), "{implementation:?}");
    }
}

#[test]
fn every_implementation_answers_concurrent_clients_correctly() {
    for implementation in Impl::ALL {
        let server = start_local(implementation, Limits::default()).expect("starts");
        let report = load::run(server.addr, LoadConfig::new(16, 50)).expect("load");
        server.stop().expect("stops");
        assert!(report.all_correct(50), "{implementation:?}: {report:?}");
    }
}

/// 1,000 clients, each connected and welcomed before any sends a request, so all 1,000
/// connections are open at once; then 5 requests each.
fn thousand_connections(implementation: Impl) {
    const CLIENTS: usize = 1_000;
    // The two 1,000-connection tests take turns: together they would need twice the files.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // ~2,000 for both ends of 1,000 connections, plus room for the other tests of this binary.
    // The test raises its own soft limit as far as the hard limit allows; past that only the
    // shell (or the service manager) that started it can help.
    let limit = chapter_18::tools::raise_fd_limit();
    assert!(
        limit >= 2_500,
        "1,000 connections need ~2,500 open files in this process, but RLIMIT_NOFILE allows only \
         {limit} even raised to its hard limit: raise the hard limit (`ulimit -Hn 4096` as root, \
         or LimitNOFILE= for a systemd service) and run again"
    );
    let server = start_local(implementation, Limits::default()).expect("starts");
    let mut config = LoadConfig::new(CLIENTS, 5);
    config.all_connected_first = true;
    config.io_timeout = Duration::from_secs(20);
    let report = load::run(server.addr, config).expect("load");
    let stats = server.stop().expect("stops");
    assert!(
        report.all_correct(5),
        "{implementation:?}: {:?}",
        report.errors
    );
    assert_eq!(stats.accepted, CLIENTS as u64);
    assert_eq!(stats.peak_connections, CLIENTS as u64, "all open at once");
    // 5 lists, `quit`, and `product` for the odd-numbered half.
    assert_eq!(stats.requests, (CLIENTS * 6 + CLIENTS / 2) as u64);
    assert_eq!(
        report.replies, stats.requests,
        "every answer reached its client"
    );
}

#[test]
fn reactor_serves_1000_connections_at_once() {
    thousand_connections(Impl::Reactor);
}

#[test]
fn tokio_serves_1000_connections_at_once() {
    thousand_connections(Impl::Tokio);
}

#[test]
fn the_blocking_server_serves_clients_one_at_a_time() {
    let server = start_local(Impl::Blocking, Limits::default()).expect("starts");
    let report = load::run(server.addr, LoadConfig::new(8, 20)).expect("load");
    let stats = server.stop().expect("stops");
    assert!(report.all_correct(20), "{report:?}");
    assert_eq!(stats.peak_connections, 1);
}

/// A client that sends requests and never reads the answers: the server stops reading it once
/// its unsent replies pile up (backpressure, so memory stays bounded), drops it after the idle
/// timeout without progress, and keeps serving everyone else meanwhile. (The kernel's loopback
/// buffers absorb megabytes of replies before the backpressure shows.)
fn a_client_that_never_reads_is_dropped(implementation: Impl) {
    use std::io::Write;
    let limits = Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let server = start_local(implementation, limits).expect("starts");
    let mut hog = std::net::TcpStream::connect(server.addr).expect("connects");
    hog.set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let writer = std::thread::spawn(move || {
        // `sum` draws a reply five times its size, so the replies back up soonest.
        let requests = b"sum\n".repeat(1 << 16);
        // Ends with an error once the server has hung up (or after 10 s stuck: a failure).
        for _ in 0..256 {
            if let Err(e) = hog.write_all(&requests) {
                return Some(e.kind());
            }
        }
        None
    });
    let rows = play_session(server.addr).expect("others are served meanwhile");
    assert!(rows.iter().all(|(_, want, got)| want == got), "{rows:?}");
    let ended = writer.join().expect("writer thread");
    assert!(
        matches!(
            ended,
            Some(std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset)
        ),
        "{implementation:?}: the hog's writes ended with {ended:?}"
    );
    let stats = server.stop().expect("stops");
    assert!(stats.idle_timeouts >= 1, "{stats:?}");
}

#[test]
fn the_reactor_drops_a_client_that_never_reads() {
    a_client_that_never_reads_is_dropped(Impl::Reactor);
}

#[test]
fn the_tokio_server_drops_a_client_that_never_reads() {
    a_client_that_never_reads_is_dropped(Impl::Tokio);
}
