//! Exercise 11.2 — graceful shutdown: serve until told to stop, then drain.
//!
//! Write `serve`: accept connections on `listener` and run `handler(stream, token)` for each as
//! its own task, until the `shutdown` future completes.
//! Then, in this order:
//! 1. stop accepting: drop the listener, so new clients are refused;
//! 2. cancel the `CancellationToken` you gave every handler (an idle connection then closes; one
//!    in the middle of a request finishes it first — the handlers already do that);
//! 3. join the tasks for at most `grace`; abort whatever is left and count it as `cut_off`.
//!
//! Fill in a `Drained` report: connections accepted, tasks that finished (`Ok` from
//! `join_next`), tasks cut off, and the time from the signal to the last task gone.
//!
//! What the grader checks (`cargo xtask exercise check 11.2`), with real clients on real sockets:
//! - requests in flight at the signal all get their replies;
//! - idle connections are closed, not waited for until the grace period ends;
//! - a connect after the signal is refused, also while the handlers are still draining;
//! - with `grace` zero every in-flight request is cut off, and a handler stuck forever is
//!   aborted when the grace period runs out: `serve` then returns at once;
//! - the report's counts: accepted, finished (ran to their end) and cut off (aborted).

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
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
    // TODO: serve until `shutdown` completes; then stop accepting, tell every handler, and wait
    // for them for at most `grace` (steps 1 to 3 above), and return the report.
    let _what_you_need = (
        listener,
        shutdown,
        grace,
        &handler,
        CancellationToken::new(),
    );
    todo!("serve until the shutdown signal, then drain")
}
