//! The `framed-protocol` example's server: a listener on `127.0.0.1:0` that serves every
//! connection in a task, with the codec or the book's one-read-one-message way, until it is
//! stopped. Apart from the protocol (in `framed_protocol.rs`) because accepting connections is
//! the same for both ways of serving them; the examples, the `serve` tool and the tests start it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{Framing, Shared, Stats, serve_framed, serve_one_read_one_message};

/// A running protocol server on `127.0.0.1:0`.
#[derive(Debug)]
pub struct ProtocolServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl ProtocolServer {
    /// Binds an ephemeral port on loopback and starts accepting. Call inside a tokio runtime.
    pub async fn start(framing: Framing) -> std::io::Result<Self> {
        Self::on(TcpListener::bind("127.0.0.1:0").await?, framing)
    }

    /// Serves on an already bound listener.
    pub fn on(listener: TcpListener, framing: Framing) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let stop = CancellationToken::new();
        let task = tokio::spawn({
            let (shared, stop) = (Arc::clone(&shared), stop.clone());
            async move {
                let mut connections = JoinSet::new();
                loop {
                    tokio::select! {
                        () = stop.cancelled() => break,
                        Some(_) = connections.join_next(), if !connections.is_empty() => {}
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let shared = Arc::clone(&shared);
                            match framing {
                                Framing::Lines => connections.spawn(serve_framed(stream, shared, stop.clone())),
                                Framing::OneReadOneMessage => connections.spawn(serve_one_read_one_message(stream, shared)),
                            };
                        }
                    }
                }
            }
        });
        Ok(Self {
            addr,
            shared,
            stop,
            task,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its shared state (counters, store).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Waits until the server's counters satisfy `done` (or `limit` passes), then stops it.
    pub async fn stop_when(
        self,
        limit: Duration,
        done: impl FnMut(&Stats) -> bool,
    ) -> anyhow::Result<Stats> {
        let mut rx = self.shared.watch();
        let waited = tokio::time::timeout(limit, rx.wait_for(done)).await;
        self.stop.cancel();
        let _ = self.task.await;
        let stats = self.shared.stats();
        match waited {
            Ok(Ok(_)) => Ok(stats),
            _ => anyhow::bail!("the server never reached the expected state: {stats:?}"),
        }
    }
}
