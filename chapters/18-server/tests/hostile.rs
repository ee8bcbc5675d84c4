//! Property-based hostile input: random bytes — protocol words, binary, over-long lines, `\r`,
//! `quit` in the middle — written in random chunks to the reactor and the tokio server. For every
//! case the bytes the server sends back must be exactly the protocol model's transcript
//! ([`chapter_18::protocol::transcript`]) and the connection must end (no wedge); after all
//! cases a fresh client still gets correct answers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use chapter_18::protocol::{Limits, transcript};
use chapter_18::server::{Impl, start_local};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const LIMITS: Limits = Limits {
    max_line: 48,
    max_connections: 64,
    idle_timeout: Duration::from_secs(10),
};

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"1,2,3\n".to_vec()),
        Just(b"product\n".to_vec()),
        Just(b"sum\r\n".to_vec()),
        Just(b"9223372036854775807,9\n".to_vec()),
        Just(b"quit\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"-1, 2 ,x\n".to_vec()),
        Just(vec![b'5'; 60]),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn hostile() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    (
        proptest::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat()),
        proptest::collection::vec(1usize..64, 1..8),
    )
}

/// Sends `input` cut into chunks, closes the sending side, and reads until the server closes.
fn converse(addr: SocketAddr, input: &[u8], chunks: &[usize]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut rest = input;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().expect("cycle")).min(rest.len());
        // After `quit` the server may be gone: the rest of the input is then moot.
        if stream.write_all(&rest[..n]).is_err() {
            break;
        }
        rest = &rest[n..];
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut got = Vec::new();
    // A timeout here is a wedged server: the read fails and so does the property.
    stream
        .read_to_end(&mut got)
        .expect("the server closes the connection");
    got
}

fn never_crashes_or_wedges(implementation: Impl) {
    let server = start_local(implementation, LIMITS).expect("starts");
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let addr = server.addr;
    let result = runner.run(&hostile(), |(input, chunks)| {
        let got = converse(addr, &input, &chunks);
        let want = transcript(&input, LIMITS.max_line);
        prop_assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "input {:?}",
            String::from_utf8_lossy(&input)
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{implementation:?}: {e}");
    }
    let rows = chapter_18::sum_product::play_session(addr).expect("still serving");
    assert!(rows.iter().all(|(_, want, got)| want == got), "{rows:?}");
    server.stop().expect("stops cleanly");
}

#[test]
fn the_reactor_survives_hostile_input() {
    never_crashes_or_wedges(Impl::Reactor);
}

#[test]
fn the_tokio_server_survives_hostile_input() {
    never_crashes_or_wedges(Impl::Tokio);
}

#[test]
fn the_blocking_server_survives_hostile_input() {
    never_crashes_or_wedges(Impl::Blocking);
}
