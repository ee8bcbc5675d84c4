//! What one framed-protocol server lets a client use, and the lines it says when a limit is hit.
//!
//! A server that grows with what its clients send is one a single client can exhaust. These are
//! the bounds `chapter-11 serve` states at start-up and in `--help`, and the hostile-client tests
//! (`cargo test -p chapter-11 --test hostile`) check from the server's own counters: connections
//! (one more is told [`BUSY`] and closed), request lines ([`crate::frame::MAX_LINE`]), output
//! queued for a client that does not read ([`OUTPUT_BUFFER`]), silence or a stalled reader
//! ([`Limits::idle_timeout`]), and the key store ([`Limits::max_keys`]).
//!
//! Book: chapter 11's servers (example1.py–example3.py) have none of these.

use std::fmt;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::frame::MAX_LINE;

/// Sent, then the connection is closed, when the server already holds its connection limit.
pub const BUSY: &str = "ERR server busy: too many connections, try again later";
/// Sent before closing a connection that sent nothing for the idle timeout.
pub const IDLE: &str = "ERR idle timeout, closing";
/// The reply to a `SET` of a new key when the store holds its limit.
pub const STORE_FULL: &str = "ERR store full";
/// Replies queue up to this many bytes (the codec's backpressure boundary) before the server
/// waits for the client to read them; one reply line more can sit on top.
pub const OUTPUT_BUFFER: usize = 8 * 1024;

/// The server's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; one more is told [`BUSY`] and closed.
    pub max_connections: usize,
    /// A connection that sends nothing, or reads none of its replies, for this long is closed.
    pub idle_timeout: Duration,
    /// Keys the store holds at most; a `SET` of a new key beyond it gets [`STORE_FULL`]
    /// (overwriting a key is always allowed). Each key and value fits in one line.
    pub max_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            idle_timeout: Duration::from_secs(60),
            max_keys: 10_000,
        }
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} connections, lines up to {} bytes, {} bytes of queued replies per connection, \
             {} s idle timeout, {} keys",
            common::format::count(self.max_connections),
            common::format::count(MAX_LINE),
            common::format::count(OUTPUT_BUFFER),
            self.idle_timeout.as_secs_f64(),
            common::format::count(self.max_keys)
        )
    }
}

/// Tells a client past the connection limit [`BUSY`] and closes politely: our FIN, then what it
/// already sent is read until its FIN. Closing with its request unread would reset the
/// connection, which can destroy the reply before the client reads it.
pub(super) async fn refuse(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(format!("{BUSY}\n").as_bytes()).await?;
    stream.shutdown().await?;
    let mut sink = [0u8; 1024];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}
