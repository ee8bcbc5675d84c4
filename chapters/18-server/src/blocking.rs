//! The blocking sum/product server: the book's example3.py, with limits.
//!
//! One thread accepts a client and serves it to the end before accepting the next: while one
//! client is connected, every other one waits in the listen backlog, its welcome line unsent.
//! That is the whole lesson of this server, and the `load` tool measures it (the time-to-welcome
//! column). It still uses the chapter's framer (a line limit), an idle timeout (a read timeout,
//! so a silent client cannot hold the server forever) and the shutdown switch.
//!
//! The idle timeout counts silence, not progress: a client that sends one byte a second is never
//! silent and holds this server for ever, while everyone else waits. The `slow-client` example
//! measures that, and the fix, a deadline per request ([`serve_with_deadline`]): a request line
//! must be complete within it, however steadily its bytes trickle in.
//!
//! Run: `cargo run -p chapter-18 -- serve --impl blocking`, then `nc 127.0.0.1 PORT`.
//! Book: chapter 18, example3.py.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown as Side, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::lifecycle::{ServerLoop, Shutdown, Stats};
use crate::protocol::{Connection, IDLE, Limits, SLOW};

/// How often a blocked read wakes to look at the shutdown switch.
const TICK: Duration = Duration::from_millis(50);

/// The blocking server as the handle runs it: [`serve`], woken by [`wake`].
pub const SERVER_LOOP: ServerLoop = ServerLoop {
    serve: |listener, limits, stats, shutdown| serve(listener, limits, stats, shutdown),
    wake: Some(wake),
};

/// Serves clients one at a time until the shutdown switch flips. Between clients the thread
/// sleeps in `accept`, where the switch cannot reach it: [`wake`] gets it out.
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    stats: &Stats,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    serve_with_deadline(listener, limits, None, stats, shutdown)
}

/// [`serve`], and with `deadline` a request line must be complete within that long of its first
/// byte: a client that trickles bytes is told [`SLOW`] and closed, and the next client is served.
pub fn serve_with_deadline(
    listener: TcpListener,
    limits: Limits,
    deadline: Option<Duration>,
    stats: &Stats,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    for incoming in listener.incoming() {
        if shutdown.is_set() {
            break;
        }
        // A failed accept (the client gave up already, or we ran out of descriptors) is that
        // client's problem, not the server's: go on to the next.
        let Ok(stream) = incoming else { continue };
        stats.accepted(1);
        // An I/O error ends this client's session only.
        let _ = serve_one(stream, limits, deadline, stats, shutdown);
        stats.closed();
    }
    Ok(())
}

fn serve_one(
    mut stream: TcpStream,
    limits: Limits,
    deadline: Option<Duration>,
    stats: &Stats,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(TICK))?;
    stream.set_write_timeout(Some(limits.idle_timeout.max(Duration::from_secs(1))))?;
    let _ = stream.set_nodelay(true);
    let mut connection = Connection::new(limits.max_line);
    let mut buf = [0u8; 4096];
    let mut last_heard = Instant::now();
    // When the request line now being received began (its first byte).
    let mut request_began: Option<Instant> = None;
    loop {
        stream.write_all(connection.output())?;
        connection.wrote(connection.output().len());
        if connection.pending() > 0 {
            // The output cap held part of the last read back: answer it now there is room.
            stats.answered(connection.resume());
            continue;
        }
        if connection.is_finished() {
            break;
        }
        if shutdown.is_set() {
            // Every request read so far is answered (above); stop here.
            connection.close();
            continue;
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                if connection.peer_closed() {
                    stats.vanished();
                }
            }
            Ok(n) => {
                last_heard = Instant::now();
                let answered = connection.received(&buf[..n]);
                stats.answered(answered);
                stats.buffered(connection.output().len(), connection.input_buffered());
                request_began = match (connection.input_buffered(), answered) {
                    (0, _) => None,
                    (_, 0) => request_began.or(Some(last_heard)),
                    // A line ended in this read and the next one began.
                    _ => Some(last_heard),
                };
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if last_heard.elapsed() >= limits.idle_timeout {
                    stats.idle_timeout();
                    connection.close_with(IDLE);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        if let (Some(deadline), Some(began)) = (deadline, request_began)
            && began.elapsed() >= deadline
        {
            stats.idle_timeout();
            connection.close_with(SLOW);
            request_began = None;
        }
    }
    linger(stream);
    Ok(())
}

/// Wakes [`serve`] from `accept` to see the switch: a connection to itself, which it drops
/// unserved once the switch is on. (While it serves a client it looks at the switch every
/// `TICK`, and this connection waits in the backlog for the `accept` after.)
pub fn wake(addr: SocketAddr) {
    let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
}

/// Closes politely: send FIN, then read and drop whatever the client still sends for a moment,
/// so the kernel does not answer unread bytes with a reset that could destroy our last replies
/// before the client read them.
pub(crate) fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Side::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 1024];
    let until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}
