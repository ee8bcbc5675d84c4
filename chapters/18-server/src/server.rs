//! What the three sum/product servers share: which one to start, its counters, its shutdown
//! switch, and a handle that stops it and waits for it.
//!
//! [`start`] binds `127.0.0.1:0` (or any address), runs the chosen implementation on its own
//! thread and returns at once with the bound address; [`ServerHandle::stop`] asks for a graceful
//! shutdown (stop accepting, answer every request already received, close) and returns the
//! final counters. Examples, tests, `serve` and `load` all start servers this way, so none can
//! outlive its caller.
//!
//! Book: chapter 18 (example3.py and example6.py run until Ctrl-C kills them; here shutdown is
//! part of the design).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;

use crate::protocol::Limits;

/// Which server to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Impl {
    /// The book's blocking server: one client at a time, on the accepting thread.
    Blocking,
    /// One thread, a `poll` readiness loop, a hand-written state machine per connection.
    Reactor,
    /// tokio: one task per connection, the protocol as an `async fn`.
    Tokio,
}

impl Impl {
    /// Every implementation, in the order the chapter builds them.
    pub const ALL: [Impl; 3] = [Impl::Blocking, Impl::Reactor, Impl::Tokio];

    /// The name `--impl` takes.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Blocking => "blocking",
            Impl::Reactor => "reactor",
            Impl::Tokio => "tokio",
        }
    }
}

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

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    /// Which implementation runs.
    pub implementation: Impl,
    /// The address it listens on (the real port when bound to port 0).
    pub addr: SocketAddr,
    stats: Arc<Stats>,
    shutdown: Shutdown,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl ServerHandle {
    /// The counters so far.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// The switch that stops this server (for a signal handler).
    pub fn shutdown_switch(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Graceful shutdown: stop accepting, answer what was received, close; then join.
    pub fn stop(mut self) -> anyhow::Result<StatsSnapshot> {
        self.shutdown.trigger();
        self.join()
    }

    /// Waits for the server to end (after someone flipped its switch) and returns its counters.
    pub fn join(&mut self) -> anyhow::Result<StatsSnapshot> {
        if self.implementation == Impl::Blocking {
            // The blocking server sleeps in accept(); once the switch is on, a connection wakes
            // it to see the switch.
            while self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
                if self.shutdown.is_set() {
                    let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        if let Some(thread) = self.thread.take() {
            match thread.join() {
                Ok(result) => {
                    result.with_context(|| format!("{} server", self.implementation.name()))?
                }
                Err(payload) => anyhow::bail!(
                    "{} server panicked: {}",
                    self.implementation.name(),
                    common::watchdog::panic_message(payload.as_ref())
                ),
            }
        }
        Ok(self.stats.snapshot())
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.shutdown.trigger();
            let _ = self.join();
        }
    }
}

/// Binds `addr` and starts `implementation` on its own thread.
pub fn start(
    implementation: Impl,
    addr: SocketAddr,
    limits: Limits,
) -> anyhow::Result<ServerHandle> {
    // std sets SO_REUSEADDR on Unix listeners, so a restarted server can rebind a port that
    // still has connections in TIME_WAIT (the book's example6 failed with "Address already in
    // use" for want of it).
    let listener = TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    // std listens with a backlog of 128: a burst of 1,000 connects overflows it, and the kernel
    // then drops handshakes that clients retry only after a second or more. On Linux, calling
    // listen(2) again on a listening socket just updates its backlog; -1 (`MAXALLOWABLE`) asks
    // for the system's maximum, net.core.somaxconn (4096 on current kernels).
    nix::sys::socket::listen(&listener, nix::sys::socket::Backlog::MAXALLOWABLE)
        .context("cannot lengthen the listen backlog")?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(Stats::default());
    let shutdown = Shutdown::default();
    let (s, d) = (Arc::clone(&stats), shutdown.clone());
    let thread = std::thread::Builder::new()
        .name(format!("{}-server", implementation.name()))
        .spawn(move || match implementation {
            Impl::Blocking => crate::blocking::serve(listener, limits, &s, &d),
            Impl::Reactor => crate::reactor::serve(listener, limits, &s, &d),
            Impl::Tokio => crate::tokio_server::serve(listener, limits, &s, &d),
        })?;
    Ok(ServerHandle {
        implementation,
        addr,
        stats,
        shutdown,
        thread: Some(thread),
    })
}

/// Starts a server on an ephemeral loopback port.
pub fn start_local(implementation: Impl, limits: Limits) -> anyhow::Result<ServerHandle> {
    start(
        implementation,
        SocketAddr::from(([127, 0, 0, 1], 0)),
        limits,
    )
}
