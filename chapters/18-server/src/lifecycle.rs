//! What a server's loop and the handle that runs it share: the counters, the shutdown switch,
//! the grace period, and the shape of a loop — how to run it and how to wake it.
//!
//! Each implementation ([`crate::blocking`], [`crate::reactor`], [`crate::tokio_server`])
//! describes itself as a [`ServerLoop`]; [`crate::server`] starts whichever is asked for and
//! stops it through the same switch. Neither side needs to know the other's details, so this
//! module depends on no server and no server on the handle.
//!
//! Book: chapter 18 (example3.py and example6.py run until Ctrl-C kills them; here shutdown is
//! part of the design).

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::protocol::Limits;

/// Counters every server keeps, updated as it runs (relaxed atomics: they are statistics read
/// after the server thread is joined, which orders them).
#[derive(Debug, Default)]
pub struct Stats {
    accepted: AtomicU64,
    rejected_busy: AtomicU64,
    requests: AtomicU64,
    idle_timeouts: AtomicU64,
    vanished_mid_line: AtomicU64,
    closed: AtomicU64,
    peak_connections: AtomicU64,
    peak_output: AtomicU64,
    peak_input: AtomicU64,
}

/// A copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Connections accepted and served.
    pub accepted: u64,
    /// Connections refused with the busy line because the limit was reached.
    pub rejected_busy: u64,
    /// Requests answered (each got exactly one reply line).
    pub requests: u64,
    /// Connections closed for saying nothing within the idle timeout.
    pub idle_timeouts: u64,
    /// Connections whose client closed with half a request line sent.
    pub vanished_mid_line: u64,
    /// Served connections closed, for whatever reason.
    pub closed: u64,
    /// The most connections open at once.
    pub peak_connections: u64,
    /// The most reply bytes one connection ever held unsent (a client that does not read).
    pub peak_output_buffered: u64,
    /// The most request bytes one connection ever held unanswered (partial line included).
    pub peak_input_buffered: u64,
}

impl Stats {
    pub(crate) fn accepted(&self, open_now: usize) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        self.peak_connections
            .fetch_max(open_now as u64, Ordering::Relaxed);
    }
    pub(crate) fn rejected(&self) {
        self.rejected_busy.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn answered(&self, n: u64) {
        self.requests.fetch_add(n, Ordering::Relaxed);
    }
    pub(crate) fn idle_timeout(&self) {
        self.idle_timeouts.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn vanished(&self) {
        self.vanished_mid_line.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn closed(&self) {
        self.closed.fetch_add(1, Ordering::Relaxed);
    }
    /// One connection holds `output` reply bytes unsent and `input` request bytes unanswered.
    pub(crate) fn buffered(&self, output: usize, input: usize) {
        self.peak_output.fetch_max(output as u64, Ordering::Relaxed);
        self.peak_input.fetch_max(input as u64, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            accepted: self.accepted.load(Ordering::Relaxed),
            rejected_busy: self.rejected_busy.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            idle_timeouts: self.idle_timeouts.load(Ordering::Relaxed),
            vanished_mid_line: self.vanished_mid_line.load(Ordering::Relaxed),
            closed: self.closed.load(Ordering::Relaxed),
            peak_connections: self.peak_connections.load(Ordering::Relaxed),
            peak_output_buffered: self.peak_output.load(Ordering::Relaxed),
            peak_input_buffered: self.peak_input.load(Ordering::Relaxed),
        }
    }
}

/// The shutdown switch: a `watch` channel, so synchronous loops can poll it and async tasks can
/// await it with the same value.
#[derive(Debug, Clone)]
pub struct Shutdown {
    tx: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            tx: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }
}

impl Shutdown {
    /// Flips the switch (idempotent).
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Has shutdown been asked for?
    pub fn is_set(&self) -> bool {
        *self.tx.borrow()
    }

    /// A receiver for async code: `receiver.wait_for(|stop| *stop)` completes on shutdown.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<bool> {
        self.tx.subscribe()
    }
}

/// How long a graceful shutdown may take before the server drops what is left.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// One server implementation, as the handle runs it.
#[derive(Debug, Clone, Copy)]
pub struct ServerLoop {
    /// Serves `listener` on the calling thread until the switch flips and every connection is
    /// closed, counting as it goes.
    pub serve: fn(TcpListener, Limits, &Arc<Stats>, &Shutdown) -> std::io::Result<()>,
    /// Gets a loop that is asleep where the switch cannot reach it to look at the switch, given
    /// the address it listens on. `None` for a loop that only ever waits with a timeout or beside
    /// the switch, and so sees it by itself.
    pub wake: Option<fn(SocketAddr)>,
}
