//! Grading suite of exercise 11.2 (graceful shutdown), run by `cargo xtask exercise check 11.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_drain.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Real clients on real sockets against `serve`. The suite's own handler speaks one request,
//! `SLOW <ms>` (answered `DONE <ms>` after that long), counts what it does on a `watch` channel,
//! and closes when the token is cancelled between requests; it does not use the chapter's codec
//! (exercise 11.1), so this suite grades `serve` alone. The tests wait for states (requests in
//! flight, a handler told to stop) on those counters or on the sockets, never for a while; the
//! time limits only turn a hang into a failure that says what was waited for.
//! `graded_with_the_framed_protocol` runs the graded `serve` with the chapter's real handler.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(20);

/// How long `serve` may take to return once it has nothing left to wait for (a grace period
/// of at most 100 ms ran out, or every handler is gone): it takes milliseconds.
const RETURNS_WITHIN: Duration = Duration::from_secs(5);

/// Whether the server closed `stream` (end of file or a reset) within `limit`.
async fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(limit, stream.read(&mut byte)).await,
        Ok(Ok(0) | Err(_))
    )
}

/// The tests, against the drain module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::net::SocketAddr;
        use std::sync::Arc;
        use std::time::Duration;

        use $($module)::+::{Drained, serve};
        use chapter_11::graceful_shutdown::{ClientEnd, ask};
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        use tokio::net::{TcpListener, TcpStream};
        use tokio::sync::{oneshot, watch};
        use tokio::task::JoinHandle;
        use tokio_util::sync::CancellationToken;

        use super::{LIMIT, RETURNS_WITHIN, closed_by_server};

        /// What the suite's handlers have done.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        struct Counts {
            connections: u64,
            in_flight: u64,
        }

        /// The suite's handler: answers `SLOW <ms>` with `DONE <ms>` after that long; between
        /// requests, a cancelled token closes the connection.
        async fn slow_handler(
            stream: TcpStream,
            counts: Arc<watch::Sender<Counts>>,
            token: CancellationToken,
        ) {
            counts.send_modify(|c| c.connections += 1);
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            loop {
                let line = tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    line = lines.next_line() => line,
                };
                let Ok(Some(line)) = line else { break };
                let ms: u64 = line
                    .strip_prefix("SLOW ")
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(0);
                counts.send_modify(|c| c.in_flight += 1);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                counts.send_modify(|c| c.in_flight -= 1);
                if write.write_all(format!("DONE {ms}\n").as_bytes()).await.is_err() {
                    break;
                }
            }
        }

        struct Running {
            addr: SocketAddr,
            counts: Arc<watch::Sender<Counts>>,
            trigger: oneshot::Sender<()>,
            server: JoinHandle<Drained>,
        }

        async fn start(grace: Duration) -> Running {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
            let addr = listener.local_addr().expect("has an address");
            let counts = Arc::new(watch::Sender::new(Counts::default()));
            let (trigger, triggered) = oneshot::channel::<()>();
            let handler_counts = Arc::clone(&counts);
            let server = tokio::spawn(serve(
                listener,
                async {
                    let _ = triggered.await;
                },
                grace,
                move |stream, token| slow_handler(stream, Arc::clone(&handler_counts), token),
            ));
            Running {
                addr,
                counts,
                trigger,
                server,
            }
        }

        /// Waits for a state of the handlers' counts; fails at once if `serve` ends first.
        async fn wait_until(running: &mut Running, what: &str, mut done: impl FnMut(&Counts) -> bool) {
            let mut rx = running.counts.subscribe();
            tokio::select! {
                reached = tokio::time::timeout(LIMIT, rx.wait_for(|c| done(c))) => {
                    reached
                        .unwrap_or_else(|_| panic!(
                            "never reached: {what} — does `serve` accept connections and run \
                             `handler(stream, token)` for each as a task?"
                        ))
                        .expect("the counts are alive");
                }
                ended = &mut running.server => {
                    panic!("`serve` returned before the shutdown signal: {ended:?}")
                }
            }
        }

        fn signal(running: Running) -> JoinHandle<Drained> {
            running
                .trigger
                .send(())
                .expect("serve is listening for the shutdown signal");
            running.server
        }

        /// `serve`'s report, once it returns; `why` says what it should not be waiting for.
        async fn finish(server: JoinHandle<Drained>, within: Duration, why: &str) -> Drained {
            tokio::time::timeout(within, server)
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "serve did not return {} s after the signal: {why}",
                        within.as_secs()
                    )
                })
                .expect("serve did not panic")
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn requests_in_flight_at_the_signal_get_their_replies() {
            // Fifteen times what the requests still need after the signal.
            let mut running = start(Duration::from_secs(3)).await;
            let mut clients = Vec::new();
            for _ in 0..5 {
                let addr = running.addr;
                clients.push(tokio::spawn(async move { ask(addr, "SLOW 200").await }));
            }
            wait_until(&mut running, "5 requests in flight", |c| c.in_flight == 5).await;
            let server = signal(running);
            for client in clients {
                let end = client.await.expect("client task").expect("client");
                assert_eq!(
                    end,
                    ClientEnd::Replied("DONE 200".to_string()),
                    "a request in flight at the signal was cut off (grace 3 s, the request \
                     takes 200 ms): after the signal, wait for the handlers to finish, up to the \
                     grace period, before aborting what is left"
                );
            }
            let drained = finish(server, LIMIT, "every handler has finished").await;
            assert_eq!(
                (drained.accepted, drained.finished, drained.cut_off),
                (5, 5, 0),
                "(accepted, finished, cut off) for 5 requests that all finished: a handler that \
                 has answered closes once its token is cancelled, and returns"
            );
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn idle_connections_close_at_once_and_new_clients_are_refused() {
            // A grace period far longer than the test: if `serve` waited it out for idle
            // connections instead of telling them, they would stay open.
            let mut running = start(Duration::from_secs(600)).await;
            let addr = running.addr;
            let mut idle = Vec::new();
            for _ in 0..3 {
                idle.push(TcpStream::connect(addr).await.expect("connects"));
            }
            wait_until(&mut running, "3 connections handled", |c| c.connections == 3).await;
            let server = signal(running);
            for stream in &mut idle {
                assert!(
                    closed_by_server(stream, RETURNS_WITHIN).await,
                    "an idle connection stayed open {} s after the signal (grace 600 s): cancel \
                     the token every handler was given — an idle handler closes when told",
                    RETURNS_WITHIN.as_secs()
                );
            }
            assert!(
                TcpStream::connect(addr).await.is_err(),
                "a connect after the signal was accepted: drop the listener when the signal comes"
            );
            let drained = finish(server, RETURNS_WITHIN, "every handler has returned").await;
            assert_eq!(
                (drained.accepted, drained.finished, drained.cut_off),
                (3, 3, 0),
                "(accepted, finished, cut off) for 3 idle connections told to close"
            );
        }

        /// A handler that reports when its token is cancelled, then waits for the test: the
        /// drain lasts until the test releases it, so a connect in between meets `serve` in
        /// the middle of its drain.
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_connect_during_the_drain_is_refused() {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
            let addr = listener.local_addr().expect("has an address");
            let (started_tx, mut started_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
            let (told_tx, mut told_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
            let release = Arc::new(tokio::sync::Notify::new());
            let handler_release = Arc::clone(&release);
            let (trigger, triggered) = oneshot::channel::<()>();
            let server = tokio::spawn(serve(
                listener,
                async {
                    let _ = triggered.await;
                },
                Duration::from_secs(600),
                move |stream, token| {
                    let (started, told) = (started_tx.clone(), told_tx.clone());
                    let release = Arc::clone(&handler_release);
                    async move {
                        let _keep = stream;
                        let _ = started.send(());
                        token.cancelled().await;
                        let _ = told.send(());
                        release.notified().await;
                    }
                },
            ));
            let _client = TcpStream::connect(addr).await.expect("connects");
            tokio::time::timeout(LIMIT, started_rx.recv())
                .await
                .expect("the handler ran: accept the connection and run its handler as a task")
                .expect("the handler ran");
            trigger.send(()).expect("serve is listening for the shutdown signal");
            tokio::time::timeout(RETURNS_WITHIN, told_rx.recv())
                .await
                .expect("the handler was told to stop: cancel the token when the signal comes")
                .expect("the handler was aborted before it was told to stop: cancel the token, then wait for the handlers");
            let refused = TcpStream::connect(addr).await.is_err();
            release.notify_one();
            assert!(
                refused,
                "a connect during the drain was accepted (after the handlers were told to stop): \
                 drop the listener as soon as the signal comes, before telling the handlers and \
                 waiting for them — while it lives, the kernel queues new clients nobody serves"
            );
            let drained = finish(server, RETURNS_WITHIN, "the last handler has returned").await;
            assert_eq!(
                (drained.accepted, drained.finished, drained.cut_off),
                (1, 1, 0),
                "(accepted, finished, cut off) for one handler that finished"
            );
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn grace_zero_cuts_every_request_off() {
            let mut running = start(Duration::ZERO).await;
            let mut clients = Vec::new();
            for _ in 0..4 {
                let addr = running.addr;
                clients.push(tokio::spawn(async move { ask(addr, "SLOW 60000").await }));
            }
            wait_until(&mut running, "4 requests in flight", |c| c.in_flight == 4).await;
            let server = signal(running);
            let drained = finish(
                server,
                RETURNS_WITHIN,
                "with grace zero, a handler that never returns must be aborted at once (the \
                 requests take a minute)",
            )
            .await;
            assert_eq!(
                (drained.cut_off, drained.finished),
                (4, 0),
                "(cut off, finished) with grace zero and 4 requests in flight"
            );
            for client in clients {
                let end = client.await.expect("client task").expect("client");
                assert_eq!(end, ClientEnd::CutOff, "with grace zero, a request in flight is cut off");
            }
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_handler_that_never_returns_is_aborted_after_the_grace_period() {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
            let addr = listener.local_addr().expect("has an address");
            let (accepted_tx, mut accepted_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
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
            tokio::time::timeout(LIMIT, accepted_rx.recv())
                .await
                .expect("the handler ran")
                .expect("the handler ran");
            trigger.send(()).expect("serve is listening for the shutdown signal");
            let drained = finish(
                server,
                RETURNS_WITHIN,
                "with a grace period of 100 ms, a handler that never returns must be aborted \
                 when the grace period ends",
            )
            .await;
            assert_eq!(drained.cut_off, 1, "the stuck handler is counted as cut off");
            assert_eq!(
                drained.finished, 0,
                "an aborted task was counted as finished: finished counts the tasks that ran to \
                 their end (Ok from join_next), cut off the ones aborted"
            );
            assert!(
                closed_by_server(&mut stuck, LIMIT).await,
                "the aborted handler's connection was closed"
            );
        }
    };
}

/// The learner's `serve` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_11::drain);
}

/// The graded `serve` with the chapter's framed-protocol handler, as the examples run it.
mod graded_with_the_framed_protocol {
    use std::sync::Arc;
    use std::time::Duration;

    use chapter_11::drain::serve;
    use chapter_11::framed_protocol::{Shared, serve_framed};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::oneshot;

    use super::LIMIT;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_received_before_the_signal_are_all_answered() {
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
            Duration::from_secs(10),
            move |stream, token| serve_framed(stream, Arc::clone(&handler_shared), token),
        ));
        let mut client = BufReader::new(TcpStream::connect(addr).await.expect("connects"));
        // One write: the two PINGs reach the server with the SLOW, before the signal.
        client
            .get_mut()
            .write_all(b"SLOW 100\nPING\nPING\n")
            .await
            .expect("writes");
        let mut stats = shared.watch();
        tokio::time::timeout(LIMIT, stats.wait_for(|s| s.in_flight == 1))
            .await
            .expect("the SLOW request is in flight within the limit")
            .expect("the server is alive");
        trigger.send(()).expect("serve is listening for the signal");
        let mut replies = String::new();
        tokio::time::timeout(LIMIT, async {
            while client.read_line(&mut replies).await.expect("reads") > 0 {}
        })
        .await
        .expect("the server closes after the replies");
        assert_eq!(replies, "DONE 100\nPONG\nPONG\n");
        let drained = tokio::time::timeout(LIMIT, server)
            .await
            .expect("serve returns after the signal")
            .expect("serve did not panic");
        assert_eq!((drained.finished, drained.cut_off), (1, 0));
    }
}

#[cfg(mutants)]
mod e2_abort_at_once {
    suite!(chapter_11::mutants::e2_abort_at_once);
}

#[cfg(mutants)]
mod e2_counts_aborted {
    suite!(chapter_11::mutants::e2_counts_aborted);
}

#[cfg(mutants)]
mod e2_keeps_listener {
    suite!(chapter_11::mutants::e2_keeps_listener);
}

#[cfg(mutants)]
mod e2_no_cancel {
    suite!(chapter_11::mutants::e2_no_cancel);
}

#[cfg(mutants)]
mod e2_no_grace_limit {
    suite!(chapter_11::mutants::e2_no_grace_limit);
}
