//! The reactor: one thread, one `poll` call, many connections' state machines.
//!
//! The book's example6.py puts every socket in non-blocking mode, asks `select` which ones are
//! ready, and resumes the coroutine waiting on each. Here the readiness call is `poll(2)` (through
//! `nix`) and each connection's coroutine is a hand-written [`Connection`] state machine. One
//! turn of the loop:
//!
//! 1. build the interest list: the listener (unless shutting down or full), and per connection
//!    "readable" if it wants input and "writable" if it has output waiting;
//! 2. `poll` — the only place the thread sleeps (50 ms at most, to look at timers and the
//!    shutdown switch);
//! 3. accept every pending connection; read what each ready socket has and feed its state
//!    machine; write what each has to say until the socket would block;
//! 4. close idle connections (no byte read or written for the idle timeout) and finished ones.
//!
//! Why `poll` and not `epoll` or `mio`: `poll` is the direct heir of the book's `select` (one
//! call, the whole interest list, no registration state to keep in step), so the loop reads top
//! to bottom. Its cost is O(connections) per turn; at 1,000 connections it still keeps up (see
//! the `load` figures in the README). `epoll` (what mio and tokio use) registers interest once
//! and returns only the ready sockets — the fix when there are tens of thousands of mostly idle
//! connections.
//!
//! Run: `cargo run -p chapter-18 -- run reactor` (two clients served interleaved) or
//! `cargo run -p chapter-18 -- serve --impl reactor` and `nc`. Book: chapter 18, example6.py.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown as Side, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::lifecycle::{SHUTDOWN_GRACE, ServerLoop, Shutdown, Stats};
use crate::protocol::{BUSY, Connection, IDLE, Limits};

/// The longest the loop sleeps in `poll` (timers and the shutdown switch are checked between).
const TICK_MS: u16 = 50;
/// How long a closing connection waits for the client's FIN after ours.
const LINGER: Duration = Duration::from_secs(1);
/// Read at most this much from one socket per turn, so one fast client cannot starve the rest.
const READ_PER_TURN: usize = 64 * 1024;

/// Where one connection is in its life.
#[derive(Debug)]
enum Phase {
    /// Talking: the state machine decides what to read and write.
    Serving,
    /// Our FIN is sent; drain what the client still sends until its FIN or the deadline.
    Lingering { until: Instant },
    /// Gone: remove it.
    Dead,
}

#[derive(Debug)]
struct Slot {
    stream: TcpStream,
    connection: Connection,
    phase: Phase,
    last_progress: Instant,
}

/// The reactor as the handle runs it. It needs no waking: `poll` returns within `TICK_MS`
/// whatever happens, and the loop looks at the switch every turn.
pub const SERVER_LOOP: ServerLoop = ServerLoop {
    serve: |listener, limits, stats, shutdown| serve(listener, limits, stats, shutdown),
    wake: None,
};

/// Runs the reactor until the shutdown switch flips and every connection is closed.
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    stats: &Stats,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = Some(listener);
    let mut slots: Vec<Slot> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut grace_until: Option<Instant> = None;
    let mut ready: Vec<PollFlags> = Vec::new();
    loop {
        if shutdown.is_set() && grace_until.is_none() {
            // Stop accepting (closing the listener refuses new connections), answer what each
            // client already sent us, and close every conversation after its last reply.
            listener = None;
            grace_until = Some(Instant::now() + SHUTDOWN_GRACE);
            for slot in &mut slots {
                if matches!(slot.phase, Phase::Serving) {
                    read_available(slot, &mut buf, stats);
                    slot.connection.close();
                }
            }
        }
        if let Some(deadline) = grace_until
            && (slots.is_empty() || Instant::now() >= deadline)
        {
            return Ok(());
        }

        // 1-2: the interest list, and the one blocking call.
        let accepting = slots.len() < limits.max_connections;
        {
            let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(slots.len() + 1);
            if let Some(listener) = &listener {
                // When full we still accept (to tell the client it is busy) but at most one a
                // turn, see below; so the listener is always watched.
                fds.push(PollFd::new(listener.as_fd(), PollFlags::POLLIN));
            }
            for slot in &slots {
                fds.push(PollFd::new(slot.stream.as_fd(), interest(slot)));
            }
            match poll(&mut fds, PollTimeout::from(TICK_MS)) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
            ready.clear();
            ready.extend(
                fds.iter()
                    .map(|fd| fd.revents().unwrap_or(PollFlags::empty())),
            );
        }
        let mut ready = ready.iter().copied();

        // 3a: accept.
        if let Some(listener) = &listener
            && ready.next().is_some_and(|r| !r.is_empty())
        {
            accept_all(listener, accepting, &mut slots, limits, stats);
        }

        // 3b: read and write each ready connection (the new ones are not in `ready` and had
        // their welcome written on accept).
        let now = Instant::now();
        for (slot, revents) in slots.iter_mut().zip(ready) {
            if revents.is_empty() {
                continue;
            }
            match slot.phase {
                Phase::Serving => {
                    if revents
                        .intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
                        && slot.connection.wants_input()
                    {
                        slot.last_progress = now;
                        read_available(slot, &mut buf, stats);
                    }
                    write_available(slot, stats);
                }
                Phase::Lingering { .. } => drain(slot, &mut buf),
                Phase::Dead => {}
            }
        }

        // 4: timers and endings.
        for slot in &mut slots {
            match slot.phase {
                Phase::Serving => {
                    if now.duration_since(slot.last_progress) >= limits.idle_timeout {
                        stats.idle_timeout();
                        if slot.connection.wants_input() {
                            // Silent: say why, then close.
                            slot.connection.close_with(IDLE);
                            write_available(slot, stats);
                        } else {
                            // Not reading our replies for that long: nothing can be said to it.
                            slot.phase = Phase::Dead;
                            continue;
                        }
                    }
                    if slot.connection.is_finished() {
                        let _ = slot.stream.shutdown(Side::Write);
                        slot.phase = Phase::Lingering {
                            until: now + LINGER,
                        };
                    }
                }
                Phase::Lingering { until } if now >= until => slot.phase = Phase::Dead,
                _ => {}
            }
        }
        let before = slots.len();
        slots.retain(|slot| !matches!(slot.phase, Phase::Dead));
        for _ in slots.len()..before {
            stats.closed();
        }
    }
}

/// What to wait for on one connection.
fn interest(slot: &Slot) -> PollFlags {
    match slot.phase {
        Phase::Serving => {
            let mut flags = PollFlags::empty();
            if slot.connection.wants_input() {
                flags |= PollFlags::POLLIN;
            }
            if !slot.connection.output().is_empty() {
                flags |= PollFlags::POLLOUT;
            }
            flags
        }
        Phase::Lingering { .. } => PollFlags::POLLIN,
        Phase::Dead => PollFlags::empty(),
    }
}

fn accept_all(
    listener: &TcpListener,
    accepting: bool,
    slots: &mut Vec<Slot>,
    limits: Limits,
    stats: &Stats,
) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if stream.set_nonblocking(true).is_err() {
                    continue;
                }
                if slots.len() >= limits.max_connections || !accepting {
                    // Full: say so and hang up, rather than leave the client waiting unanswered.
                    stats.rejected();
                    let _ = (&stream).write(format!("{BUSY}\n").as_bytes());
                    let _ = stream.shutdown(Side::Write);
                    // Read what the client already sent: closing with it unread would reset the
                    // connection, which can destroy the reply before the client reads it.
                    let mut sink = [0u8; 1024];
                    while matches!((&stream).read(&mut sink), Ok(n) if n > 0) {}
                    // One rejection a turn keeps a flood of connects from stalling the loop.
                    return;
                }
                let _ = stream.set_nodelay(true);
                let mut slot = Slot {
                    stream,
                    connection: Connection::new(limits.max_line),
                    phase: Phase::Serving,
                    last_progress: Instant::now(),
                };
                write_available(&mut slot, stats);
                slots.push(slot);
                stats.accepted(slots.len());
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // ECONNABORTED, EMFILE, ...: this connection is lost; the server goes on.
            Err(_) => return,
        }
    }
}

/// Reads until the socket would block (or the per-turn budget), feeding the state machine.
fn read_available(slot: &mut Slot, buf: &mut [u8], stats: &Stats) {
    let mut taken = 0;
    while taken < READ_PER_TURN && slot.connection.wants_input() {
        match slot.stream.read(buf) {
            Ok(0) => {
                if slot.connection.peer_closed() {
                    stats.vanished();
                }
                return;
            }
            Ok(n) => {
                taken += n;
                stats.answered(slot.connection.received(&buf[..n]));
                stats.buffered(
                    slot.connection.output().len(),
                    slot.connection.input_buffered(),
                );
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => {
                slot.phase = Phase::Dead;
                return;
            }
        }
    }
}

/// Writes queued output until done or the socket would block; as the output drains, answers
/// the input that waited for room.
fn write_available(slot: &mut Slot, stats: &Stats) {
    while !slot.connection.output().is_empty() {
        match slot.stream.write(slot.connection.output()) {
            Ok(0) => {
                slot.phase = Phase::Dead;
                return;
            }
            Ok(n) => {
                slot.connection.wrote(n);
                slot.last_progress = Instant::now();
                if slot.connection.pending() > 0 {
                    stats.answered(slot.connection.resume());
                    stats.buffered(
                        slot.connection.output().len(),
                        slot.connection.input_buffered(),
                    );
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => {
                slot.phase = Phase::Dead;
                return;
            }
        }
    }
}

/// Lingering: read and drop until the client's FIN (or an error).
fn drain(slot: &mut Slot, buf: &mut [u8]) {
    loop {
        match slot.stream.read(buf) {
            Ok(0) => {
                slot.phase = Phase::Dead;
                return;
            }
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => {
                slot.phase = Phase::Dead;
                return;
            }
        }
    }
}
