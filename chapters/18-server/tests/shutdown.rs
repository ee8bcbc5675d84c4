//! Graceful shutdown during load loses no answered request: 50 clients send requests
//! continuously, the server is stopped mid-run, and the replies the clients received must equal
//! the requests the server answered — no wrong, extra or truncated reply, and every client
//! closed cleanly by the server. Also: a stopped server refuses new connections.

use std::net::TcpStream;
use std::time::Duration;

use chapter_18::protocol::Limits;
use chapter_18::server::{Impl, start_local};
use chapter_18::shutdown::{lost_nothing, shutdown_under_load};

fn no_answer_lost(implementation: Impl) {
    for after in [1, 2_000] {
        let (report, stats) = shutdown_under_load(implementation, 50, after).expect("runs");
        assert!(
            lost_nothing(&report, &stats),
            "{implementation:?} after {after}: server answered {}, clients got {}; {report:?}",
            stats.requests,
            report.replies
        );
        assert!(stats.requests >= after);
    }
}

#[test]
fn the_reactor_loses_no_answer_on_shutdown() {
    no_answer_lost(Impl::Reactor);
}

#[test]
fn the_tokio_server_loses_no_answer_on_shutdown() {
    no_answer_lost(Impl::Tokio);
}

#[test]
fn a_stopped_server_refuses_connections() {
    for implementation in Impl::ALL {
        let server = start_local(implementation, Limits::default()).expect("starts");
        let addr = server.addr;
        server.stop().expect("stops");
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err(),
            "{implementation:?}"
        );
    }
}
