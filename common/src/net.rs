//! Listening sockets for the chapters' servers: bind, then lengthen the listen backlog.
//!
//! `std::net::TcpListener::bind` listens with a backlog of 128. A burst of 1,000 connects
//! overflows it, and the kernel then drops handshakes that clients retry only after a second or
//! more (a burst that should take milliseconds takes seconds). On Linux, calling `listen(2)`
//! again on a listening socket just updates its backlog; -1 (`MAXALLOWABLE`) asks for the
//! system's maximum, `net.core.somaxconn` (4,096 on current kernels). Chapters 5 (the status
//! server) and 18 (the sum/product servers) listen this way.
//!
//! std also sets `SO_REUSEADDR` on Unix listeners, so a restarted server can rebind a port that
//! still has connections in `TIME_WAIT`.
//!
//! Book: chapter 18's servers (`socket.listen()` with the default backlog).

use std::io;
use std::net::{SocketAddr, TcpListener};

/// The backlog [`listen`] asks for: the system's maximum (`net.core.somaxconn`).
pub const BACKLOG: &str = "the system maximum (net.core.somaxconn, 4,096 on current kernels)";

/// Binds `addr` and listens with the longest backlog the system allows.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    nix::sys::socket::listen(&listener, nix::sys::socket::Backlog::MAXALLOWABLE)
        .map_err(io::Error::from)?;
    Ok(listener)
}

pub mod hostile;
