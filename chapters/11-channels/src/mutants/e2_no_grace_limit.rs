//! A wrong graceful shutdown for exercise 11.2.
//!
//! Wrong: joins the handlers with no time limit, so a handler that never returns keeps `serve` waiting
//! forever.
//! Caught: a handler that never returns must be aborted

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What a drained server did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drained {
    /// Connections accepted before the shutdown signal.
    pub accepted: u64,
    /// Connection tasks that ran to their end (before or after the signal).
    pub finished: u64,
    /// Connection tasks still running when the grace period ran out, and aborted.
    pub cut_off: u64,
    /// From the shutdown signal to the last connection task gone.
    pub drain_time: Duration,
}

/// Accepts connections on `listener` and runs `handler` for each as its own task, until
/// `shutdown` completes; then stops accepting, cancels the token every handler was given, and
/// waits up to `grace` for the handlers to return before aborting the rest.
pub async fn serve<H, F>(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
    handler: H,
) -> Drained
where
    H: Fn(TcpStream, CancellationToken) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let token = CancellationToken::new();
    let mut tasks = JoinSet::new();
    let mut report = Drained::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            // `biased`: once the signal has come, accept nobody else, even if a client is waiting.
            biased;
            () = &mut shutdown => break,
            // Reap finished connections as we go, so a long-lived server holds no dead tasks.
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                report.finished += u64::from(joined.is_ok());
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    report.accepted += 1;
                    tasks.spawn(handler(stream, token.clone()));
                }
                // A failed accept (the peer gave up, or no file descriptors left) is that one
                // connection's problem, not the server's: keep serving, after a short pause so
                // that running out of file descriptors does not become a busy loop.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
    // 1. Stop accepting: from here on a connect is refused by the kernel.
    drop(listener);
    // 2. Tell every connection.
    token.cancel();
    let signalled = Instant::now();
    // 3. Wait, with a limit.
    let _no_limit = grace;
    while let Some(joined) = tasks.join_next().await {
        report.finished += u64::from(joined.is_ok());
    }
    report.drain_time = signalled.elapsed();
    report
}
