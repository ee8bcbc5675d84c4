//! Grading suite of exercise 11.2 (graceful shutdown), run by `cargo xtask exercise check 11.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_drain.rs`. Real clients on real sockets against `serve` with
//! the framed protocol's handler. The tests wait for states (requests in flight, a connection
//! closed) on the server's counters or on the sockets, never for a while; the timeouts only
//! turn a hang into a failure.

#![cfg(not(feature = "shuttle"))]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chapter_11::drain::{Drained, serve};
use chapter_11::framed_protocol::{Shared, serve_framed};
use chapter_11::graceful_shutdown::{ClientEnd, ask};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(20);

struct Running {
    addr: SocketAddr,
    shared: Arc<Shared>,
    trigger: oneshot::Sender<()>,
    server: JoinHandle<Drained>,
}

async fn start(grace: Duration) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("has an address");
    let shared = Arc::new(Shared::default());
    let (trigger, triggered) = oneshot::channel::<()>();
    let handler_shared = Arc::clone(&shared);
    let server = tokio::spawn(serve(
        listener,
        async {
            let _ = triggered.await;
        },
        grace,
        move |stream, token| serve_framed(stream, Arc::clone(&handler_shared), token),
    ));
    Running {
        addr,
        shared,
        trigger,
        server,
    }
}

/// Waits for a state of the server's counters; fails at once if `serve` ends (or panics) first.
async fn wait_until(
    running: &mut Running,
    mut done: impl FnMut(&chapter_11::framed_protocol::Stats) -> bool,
) {
    let mut rx = running.shared.watch();
    tokio::select! {
        reached = tokio::time::timeout(LIMIT, rx.wait_for(|s| done(s))) => {
            reached
                .expect("the server reaches the state within the limit (did `serve` accept and spawn the handlers?)")
                .expect("the server is alive");
        }
        ended = &mut running.server => panic!("`serve` ended before the shutdown signal: {ended:?}"),
    }
}

async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(LIMIT, stream.read(&mut byte)).await,
        Ok(Ok(0) | Err(_))
    )
}

async fn finish(server: JoinHandle<Drained>) -> Drained {
    tokio::time::timeout(LIMIT, server)
        .await
        .expect("serve returns after the signal")
        .expect("serve did not panic")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_at_the_signal_get_their_replies() {
    let mut running = start(Duration::from_secs(10)).await;
    let mut clients = Vec::new();
    for _ in 0..5 {
        let addr = running.addr;
        clients.push(tokio::spawn(async move { ask(addr, "SLOW 200").await }));
    }
    wait_until(&mut running, |s| s.in_flight == 5).await;
    running
        .trigger
        .send(())
        .expect("serve is listening for the signal");
    for client in clients {
        let end = client.await.expect("client task").expect("client");
        assert_eq!(end, ClientEnd::Replied("DONE 200".to_string()));
    }
    let drained = finish(running.server).await;
    assert_eq!(drained.accepted, 5);
    assert_eq!(drained.finished, 5);
    assert_eq!(drained.cut_off, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_close_at_once_and_new_clients_are_refused() {
    // A grace period far longer than the test's limit: if `serve` waited it out for idle
    // connections instead of telling them, this test would time out.
    let mut running = start(Duration::from_secs(600)).await;
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(TcpStream::connect(running.addr).await.expect("connects"));
    }
    wait_until(&mut running, |s| s.connections == 3).await;
    running
        .trigger
        .send(())
        .expect("serve is listening for the signal");
    for stream in &mut idle {
        assert!(
            closed_by_server(stream).await,
            "an idle connection stayed open"
        );
    }
    // The listener must be gone before the connections are told to close.
    assert!(
        TcpStream::connect(running.addr).await.is_err(),
        "a connect after the signal was accepted"
    );
    let drained = finish(running.server).await;
    assert_eq!(
        (drained.accepted, drained.finished, drained.cut_off),
        (3, 3, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_zero_cuts_every_request_off() {
    let mut running = start(Duration::ZERO).await;
    let mut clients = Vec::new();
    for _ in 0..4 {
        let addr = running.addr;
        clients.push(tokio::spawn(async move { ask(addr, "SLOW 5000").await }));
    }
    wait_until(&mut running, |s| s.in_flight == 4).await;
    running
        .trigger
        .send(())
        .expect("serve is listening for the signal");
    let drained = finish(running.server).await;
    assert_eq!(drained.cut_off, 4);
    for client in clients {
        let end = client.await.expect("client task").expect("client");
        assert_eq!(end, ClientEnd::CutOff);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_never_returns_is_aborted_after_the_grace_period() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("has an address");
    let (accepted_tx, accepted_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (trigger, triggered) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        async {
            let _ = triggered.await;
        },
        Duration::from_millis(100),
        move |stream, _token_ignored| {
            let accepted = accepted_tx.clone();
            async move {
                let _keep = stream;
                let _ = accepted.send(());
                std::future::pending::<()>().await
            }
        },
    ));
    let mut stuck = TcpStream::connect(addr).await.expect("connects");
    let mut accepted_rx = accepted_rx;
    tokio::time::timeout(LIMIT, accepted_rx.recv())
        .await
        .expect("the handler ran")
        .expect("the handler ran");
    trigger.send(()).expect("serve is listening for the signal");
    let drained = finish(server).await;
    assert_eq!(drained.cut_off, 1);
    assert_eq!(drained.finished, 0);
    assert!(
        closed_by_server(&mut stuck).await,
        "the aborted connection was closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_received_before_the_signal_are_all_answered() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let mut running = start(Duration::from_secs(10)).await;
    let mut client = BufReader::new(TcpStream::connect(running.addr).await.expect("connects"));
    // One write: the two PINGs reach the server with the SLOW, before the signal.
    client
        .get_mut()
        .write_all(b"SLOW 100\nPING\nPING\n")
        .await
        .expect("writes");
    wait_until(&mut running, |s| s.in_flight == 1).await;
    running
        .trigger
        .send(())
        .expect("serve is listening for the signal");
    let mut replies = String::new();
    tokio::time::timeout(LIMIT, async {
        while client.read_line(&mut replies).await.expect("reads") > 0 {}
    })
    .await
    .expect("the server closes after the replies");
    assert_eq!(replies, "DONE 100\nPONG\nPONG\n");
    let drained = finish(running.server).await;
    assert_eq!((drained.finished, drained.cut_off), (1, 0));
}
