//! Starting and stopping the three sum/product servers: which one to start, and a handle that
//! stops it and waits for it (the counters and the switch they share are [`crate::lifecycle`]'s).
//!
//! [`start`] binds `127.0.0.1:0` (or any address), runs the chosen implementation on its own
//! thread and returns at once with the bound address; [`ServerHandle::stop`] asks for a graceful
//! shutdown (stop accepting, answer every request already received, close) and returns the
//! final counters. Examples, tests, `serve` and `load` all start servers this way, so none can
//! outlive its caller.
//!
//! Book: chapter 18 (example3.py and example6.py run until Ctrl-C kills them; here shutdown is
//! part of the design).

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;

use crate::lifecycle::{ServerLoop, Shutdown, Stats, StatsSnapshot};
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

    /// How this implementation runs and is woken, as it describes itself.
    pub fn server_loop(self) -> ServerLoop {
        match self {
            Impl::Blocking => crate::blocking::SERVER_LOOP,
            Impl::Reactor => crate::reactor::SERVER_LOOP,
            Impl::Tokio => crate::tokio_server::SERVER_LOOP,
        }
    }
}

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    /// Which implementation runs.
    pub implementation: Impl,
    /// The address it listens on (the real port when bound to port 0).
    pub addr: SocketAddr,
    stats: Arc<Stats>,
    shutdown: Shutdown,
    wake: Option<fn(SocketAddr)>,
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
        if let Some(wake) = self.wake {
            // A loop that can sleep out of the switch's reach is woken once the switch is on,
            // and again until it ends: one wake can be lost (say, a connect refused while the
            // process is out of descriptors).
            while self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
                if self.shutdown.is_set() {
                    wake(self.addr);
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
    // SO_REUSEADDR (the book's example6 failed with "Address already in use" for want of it)
    // and the system's longest listen backlog (std's 128 overflows under a burst of 1,000
    // connects, and the dropped handshakes are retried only after a second): `common::net`.
    let listener = common::net::listen(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(Stats::default());
    let shutdown = Shutdown::default();
    let server_loop = implementation.server_loop();
    let (s, d) = (Arc::clone(&stats), shutdown.clone());
    let thread = std::thread::Builder::new()
        .name(format!("{}-server", implementation.name()))
        .spawn(move || (server_loop.serve)(listener, limits, &s, &d))?;
    Ok(ServerHandle {
        implementation,
        addr,
        stats,
        shutdown,
        wake: server_loop.wake,
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
