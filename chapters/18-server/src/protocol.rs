//! The sum/product protocol, with no I/O: lines in, reply lines out.
//!
//! Every server in this chapter (blocking, reactor, tokio) speaks exactly this protocol, and all
//! of them get their answers from here, so they can only differ in *how* they move bytes. The
//! protocol is specified in the chapter README; in short:
//!
//! - on connect the server sends `starting in sum mode`;
//! - each request is one line (`\n`, an optional `\r` before it is dropped), answered by exactly
//!   one reply line;
//! - `sum` / `product` switch the mode (`switched to product mode`), `quit` answers `bye` and
//!   closes;
//! - `1, 2, 3` (comma-separated 64-bit signed integers) is answered with `6` in sum mode — a
//!   bare number, not the book's quoted `'6'`;
//! - anything else gets one line starting `error: ` (not UTF-8, not integers, an empty request,
//!   overflow, a line longer than the limit) and the connection stays open.
//!
//! [`Connection`] is the per-connection state machine (framer + session + output buffer) that the
//! reactor drives by hand; [`transcript`] runs it over a byte string, the model the property
//! tests compare every real server against.
//!
//! Book: chapter 18, example3.py and example6.py (`process_request`).

use std::time::Duration;

use crate::line_framer::LineFramer;
use crate::request::{EvalError, Frame, Mode};

/// The first line every connection receives.
pub const WELCOME: &str = "starting in sum mode";
/// The reply to `quit`, after which the server closes the connection.
pub const BYE: &str = "bye";
/// Sent before closing a connection that said nothing for the idle timeout.
pub const IDLE: &str = "error: idle timeout, closing";
/// Sent before closing a connection whose request line took longer than its deadline.
pub const SLOW: &str = "error: request too slow, closing";
/// Sent (then the connection is closed) when the server already holds its connection limit.
pub const BUSY: &str = "error: server busy, try again later";
/// While this much output waits for a slow reader, the server stops answering and reading its
/// requests: what one connection queues is this plus one reply line ([`MAX_REPLY`]).
pub const OUTPUT_HIGH_WATER: usize = 64 * 1024;
/// The longest reply line, newline included (an error quotes at most 32 characters of input,
/// escaped).
pub const MAX_REPLY: usize = 512;

/// The server's limits: what a hostile or careless client cannot exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest request line accepted, in bytes, without its newline.
    pub max_line: usize,
    /// The most connections served at once; more are told [`BUSY`] and closed.
    pub max_connections: usize,
    /// A connection that sends nothing for this long is told [`IDLE`] and closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: 1024,
            max_connections: 4096,
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// What the session says to one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this line and keep the connection open.
    Line(String),
    /// Send this line, then close the connection.
    Close(String),
}

/// One connection's protocol state: its mode.
#[derive(Debug, Clone)]
pub struct Session {
    mode: Mode,
    max_line: usize,
}

impl Session {
    /// A new session in sum mode, for lines of at most `max_line` bytes (named in an error).
    pub fn new(max_line: usize) -> Self {
        Self {
            mode: Mode::Sum,
            max_line,
        }
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The reply to one frame.
    pub fn respond(&mut self, frame: &Frame) -> Reply {
        let bytes = match frame {
            Frame::TooLong => {
                return Reply::Line(format!(
                    "error: line too long (at most {} bytes)",
                    self.max_line
                ));
            }
            Frame::Line(bytes) => bytes,
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Reply::Line("error: not UTF-8 text; send e.g. 1,2,3".into());
        };
        match text.trim() {
            "quit" => Reply::Close(BYE.into()),
            "sum" => {
                self.mode = Mode::Sum;
                Reply::Line("switched to sum mode".into())
            }
            "product" => {
                self.mode = Mode::Product;
                Reply::Line("switched to product mode".into())
            }
            list => Reply::Line(match crate::evaluate::evaluate(self.mode, list) {
                Ok(n) => n.to_string(),
                Err(EvalError::Empty) => {
                    "error: empty request; send e.g. 1,2,3 or sum, product, quit".into()
                }
                Err(EvalError::NotAnInteger(item)) => {
                    let shown: String = item.chars().take(32).collect();
                    format!("error: {shown:?} is not a 64-bit integer")
                }
                Err(EvalError::Overflow) => format!(
                    "error: overflow: the {} does not fit in a 64-bit signed integer",
                    self.mode.name()
                ),
            }),
        }
    }
}

/// The hand-written per-connection state machine: bytes in, reply bytes out, no I/O.
///
/// The reactor owns one per socket and calls [`Connection::received`] when the socket had bytes,
/// writes [`Connection::output`] when it is writable (then [`Connection::resume`]), and drops
/// the socket once [`Connection::is_finished`]. The states an `async fn` would keep implicitly
/// in its future are explicit fields: the partial line (in the framer), the mode (in the
/// session), the input read but not yet answered, the unsent output, and whether the
/// conversation is over.
///
/// The output cap is enforced while answering, one line at a time: a client that sends a read's
/// worth of newlines and never reads gets replies up to [`OUTPUT_HIGH_WATER`], and the rest of
/// that read waits, unanswered, until it reads them.
#[derive(Debug)]
pub struct Connection {
    framer: LineFramer,
    session: Session,
    frames: Vec<Frame>,
    pending: Vec<u8>,
    out: Vec<u8>,
    closing: bool,
    draining: bool,
    requests: u64,
}

impl Connection {
    /// A new connection, its welcome line already queued.
    pub fn new(max_line: usize) -> Self {
        let mut out = Vec::with_capacity(64);
        push_line(&mut out, WELCOME);
        Self {
            framer: LineFramer::new(max_line),
            session: Session::new(max_line),
            frames: Vec::new(),
            pending: Vec::new(),
            out,
            closing: false,
            draining: false,
            requests: 0,
        }
    }

    /// Feeds bytes read from the client; complete requests are answered into the output until
    /// it reaches [`OUTPUT_HIGH_WATER`], the rest kept for [`Self::resume`]. Returns how many
    /// requests were answered. After `quit` (or [`Self::close_with`]) input is ignored.
    pub fn received(&mut self, bytes: &[u8]) -> u64 {
        if self.closing {
            return 0;
        }
        self.pending.extend_from_slice(bytes);
        self.resume()
    }

    /// Answers input already received, one line at a time, while the output is under the cap;
    /// call it after writing. Returns how many requests it answered.
    pub fn resume(&mut self) -> u64 {
        let mut answered = 0;
        let mut used = 0;
        while !self.closing && self.out.len() < OUTPUT_HIGH_WATER && used < self.pending.len() {
            let rest = &self.pending[used..];
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |i| i + 1);
            // One line at most: at most one frame, so at most one reply line.
            self.framer.push(&rest[..end], &mut self.frames);
            used += end;
            for frame in self.frames.drain(..) {
                answered += 1;
                match self.session.respond(&frame) {
                    Reply::Line(line) => push_line(&mut self.out, &line),
                    Reply::Close(line) => {
                        push_line(&mut self.out, &line);
                        self.closing = true;
                    }
                }
            }
        }
        self.pending.drain(..used);
        if self.closing {
            self.pending.clear();
        }
        self.requests += answered;
        answered
    }

    /// Bytes received and not answered yet (at most one read's worth).
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// All the input this connection holds: unanswered bytes and the partial line.
    pub fn input_buffered(&self) -> usize {
        self.pending.len() + self.framer.buffered()
    }

    /// The client closed its side. Returns true if it left a partial line behind (it vanished
    /// mid-request); that line is dropped unanswered.
    pub fn peer_closed(&mut self) -> bool {
        self.closing = true;
        self.framer.buffered() > 0
    }

    /// Queues a last line from the server (idle timeout, say) and closes after sending it.
    pub fn close_with(&mut self, line: &str) {
        if !self.closing {
            push_line(&mut self.out, line);
        }
        self.closing = true;
    }

    /// Reads nothing more, answers what was received, and closes once that is sent (graceful
    /// shutdown).
    pub fn close(&mut self) {
        self.draining = true;
    }

    /// The bytes waiting to be sent.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// `n` bytes of [`Self::output`] were sent.
    pub fn wrote(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// Should the server read from this client now? Not once it is closing, and not while a
    /// slow reader has a lot of unsent output or unanswered input (backpressure).
    pub fn wants_input(&self) -> bool {
        !self.closing
            && !self.draining
            && self.out.len() < OUTPUT_HIGH_WATER
            && self.pending.is_empty()
    }

    /// Closing, with everything answered and sent: the socket can go.
    pub fn is_finished(&self) -> bool {
        (self.closing || self.draining) && self.pending.is_empty() && self.out.is_empty()
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }
}

fn push_line(out: &mut Vec<u8>, line: &str) {
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
}

/// Everything a server must send for `input` sent in one go and then the client's close: the
/// model the network tests compare against (chunking must not change it).
pub fn transcript(input: &[u8], max_line: usize) -> Vec<u8> {
    let mut connection = Connection::new(max_line);
    let mut sent = Vec::new();
    connection.received(input);
    loop {
        sent.extend_from_slice(connection.output());
        connection.wrote(connection.output().len());
        if connection.pending() == 0 {
            break;
        }
        connection.resume();
    }
    connection.peer_closed();
    sent.extend_from_slice(connection.output());
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(session: &mut Session, line: &str) -> Reply {
        session.respond(&Frame::Line(line.as_bytes().to_vec()))
    }

    #[test]
    fn the_books_session_with_bare_numbers() {
        let mut s = Session::new(1024);
        assert_eq!(say(&mut s, "1,2,3"), Reply::Line("6".into()));
        assert_eq!(
            say(&mut s, "product"),
            Reply::Line("switched to product mode".into())
        );
        assert_eq!(say(&mut s, " 2, 3 ,4 "), Reply::Line("24".into()));
        assert_eq!(say(&mut s, "quit"), Reply::Close("bye".into()));
    }

    #[test]
    fn errors_are_one_line_and_keep_the_session() {
        let mut s = Session::new(8);
        for bad in ["", "1,,2", "x", "1.5", "'6'"] {
            match say(&mut s, bad) {
                Reply::Line(l) => assert!(l.starts_with("error: "), "{bad:?}: {l}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        match s.respond(&Frame::Line(vec![0xff, 0xfe])) {
            Reply::Line(l) => assert!(l.contains("UTF-8")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.respond(&Frame::TooLong),
            Reply::Line("error: line too long (at most 8 bytes)".into())
        );
        assert_eq!(say(&mut s, "1,2"), Reply::Line("3".into()));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let mut s = Session::new(1024);
        let reply = say(&mut s, &format!("{},1", i64::MAX));
        assert!(matches!(reply, Reply::Line(l) if l.starts_with("error: overflow")));
    }

    #[test]
    fn a_reader_that_never_reads_gets_at_most_the_cap() {
        let mut connection = Connection::new(1024);
        // 16 KB of empty requests, each worth a 58-byte error line: 950 KB unbounded.
        connection.received(&[b'\n'; 16 * 1024]);
        assert!(connection.output().len() <= OUTPUT_HIGH_WATER + MAX_REPLY);
        assert!(connection.pending() > 0);
        assert!(!connection.wants_input());
        // Once it reads, the rest is answered: nothing is lost.
        let mut total = 0;
        while connection.output().len() + connection.pending() > 0 {
            total += connection.output().len();
            connection.wrote(connection.output().len());
            connection.resume();
            assert!(connection.output().len() <= OUTPUT_HIGH_WATER + MAX_REPLY);
        }
        assert_eq!(connection.requests(), 16 * 1024);
        assert_eq!(total, transcript(&[b'\n'; 16 * 1024], 1024).len());
    }

    #[test]
    fn the_connection_answers_pipelined_lines_and_stops_at_quit() {
        let out = transcript(b"1,2\r\nproduct\n3,4\nquit\n5,6\n", 1024);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "starting in sum mode\n3\nswitched to product mode\n12\nbye\n"
        );
    }
}
