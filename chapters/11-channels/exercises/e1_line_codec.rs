//! Exercise 11.1 — the line codec: cut a TCP byte stream into request lines.
//!
//! TCP delivers bytes, not messages. One `read` may hold half a request, or three of them: the
//! book's `data_received` treats each read as one message, and `framed-protocol --variant broken`
//! shows what that does to a client that sends several requests at once. Write the `decode` half
//! of a `tokio_util::codec::Decoder` that restores the messages.
//!
//! `decode(buf)` is called whenever new bytes arrive in `buf`, which holds everything received
//! and not yet taken. Each call returns the next frame, if a whole line has arrived, and leaves
//! the bytes after that line for the next call; otherwise `Ok(None)`: wait for more.
//! - A line ends with `\n`; an `\r` just before it belongs to the ending too (telnet sends
//!   `\r\n`). The frame is the line's text: `Ok(line)`.
//! - A line is at most `MAX_LINE` bytes, not counting its ending. A longer one is one
//!   `Err(FrameError::TooLong)`, and the line after it is read as usual. Its bytes need not be
//!   kept: the codec must not hold much more than `MAX_LINE` bytes of a line however long it
//!   gets, or one client that never sends `\n` fills the server's memory.
//! - A line that is not UTF-8 is `Err(FrameError::NotUtf8)`.
//! - Malformed frames are *items* (`Ok(Some(Err(..)))`), not `Err` of the outer `Result`: the
//!   server replies `ERR ...` and keeps the connection.
//!
//! `decode_eof` (given) reports a line cut off by the end of the stream; it relies on
//! `discarding` being true while the rest of an over-long line is still to come.
//!
//! What the grader checks (`cargo xtask exercise check 11.1`):
//! - every way of splitting a stream of requests into reads (every split, every pair of splits,
//!   one byte at a time) gives the same frames;
//! - lines over the limit are one `TooLong` each, a line of exactly `MAX_LINE` bytes comes
//!   through (also when its `\r` and `\n` arrive in different reads), and the lines after them
//!   still come through;
//! - the buffer stays bounded after every read of an endless line, and no frame comes before
//!   its `\n`;
//! - invalid UTF-8 and a connection closed mid-line become the right `FrameError`s;
//! - the real server, running your codec, answers a real client line for line.

use bytes::{BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

pub use crate::frame::{FrameError, MAX_LINE};

/// Cuts a byte stream into `\n`-terminated lines of at most [`MAX_LINE`] bytes, and writes
/// replies as lines.
#[derive(Debug, Default)]
pub struct LineCodec {
    /// True while skipping the rest of an over-long line.
    discarding: bool,
}

impl LineCodec {
    /// A codec in its initial state.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Decoder for LineCodec {
    type Item = Result<String, FrameError>;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        // TODO: the next frame if a whole line is in `buf` (take it out, leave the rest), else
        // `Ok(None)`; keep the buffer bounded while an over-long line arrives (module doc).
        let _state_you_need = (&mut self.discarding, buf.len(), MAX_LINE);
        todo!("cut one line off the front of the buffer")
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        // Given: at the end of the stream, a last unfinished line is reported once.
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() && !self.discarding {
            return Ok(None);
        }
        let bytes = buf.len();
        buf.clear();
        self.discarding = false;
        Ok(Some(Err(FrameError::Truncated { bytes })))
    }
}

impl Encoder<&str> for LineCodec {
    type Error = std::io::Error;

    fn encode(&mut self, line: &str, dst: &mut BytesMut) -> Result<(), Self::Error> {
        dst.reserve(line.len() + 1);
        dst.put_slice(line.as_bytes());
        dst.put_u8(b'\n');
        Ok(())
    }
}
