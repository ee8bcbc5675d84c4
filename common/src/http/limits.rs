//! What the status server lets one client use, and how it refuses one too many.
//!
//! Stated by `chapter-5 serve` at start-up and in `--help`, and checked by chapter 5's
//! hostile-client tests (`cargo test -p chapter-5 --test hostile`) from the server's own counters.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

use super::{MAX_CHUNK, MAX_SLEEP, MAX_STREAM_BYTES};

/// The reply to a connection beyond [`Limits::max_connections`], after which it is closed.
pub const BUSY_REPLY: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 38\r\nconnection: close\r\nretry-after: 1\r\n\r\nserver busy: too many connections now\n";

/// What a hostile or careless client cannot exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; one more is answered [`BUSY_REPLY`] and closed.
    pub max_connections: usize,
    /// A client must send a whole request head within this time, or the connection is closed;
    /// an idle keep-alive connection is closed after it too.
    pub header_read_timeout: Duration,
    /// The largest request head, in bytes (hyper's read buffer; it answers `431` beyond it).
    pub max_head_bytes: usize,
    /// A connection whose socket takes no byte of a reply for this long is closed: the client
    /// that sends requests and never reads its replies.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            max_head_bytes: 16 * 1024,
            write_timeout: Duration::from_secs(10),
        }
    }
}

impl std::fmt::Display for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} connections, request heads up to {} bytes, {} s to send one (and idle keep-alive), \
             {} s for a client to take any byte of a reply (write stall), ?sleep= up to {} s, \
             /bytes/{{n}} up to {} MB in chunks of at most {} KB",
            crate::format::count(self.max_connections),
            crate::format::count(self.max_head_bytes),
            self.header_read_timeout.as_secs_f64(),
            self.write_timeout.as_secs_f64(),
            MAX_SLEEP.as_secs(),
            MAX_STREAM_BYTES / (1024 * 1024),
            MAX_CHUNK / 1024
        )
    }
}

/// Says `reply` and closes politely: our FIN, then the client's unread request is read and
/// dropped until its FIN. Closing with that request unread would make the kernel send a reset,
/// which can destroy the reply before the client reads it.
pub(super) async fn refuse(stream: &mut TcpStream, reply: &[u8]) -> io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(reply).await?;
    stream.shutdown().await?;
    let mut sink = [0u8; 1024];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}
