//! Exercise 11.1 — the line codec: cut a TCP byte stream into request lines.
//!
//! TCP delivers bytes, not messages. One `read` may hold half a request, or three of them: the
//! book's `data_received` treats each read as one message, and `framed-protocol --variant broken`
//! shows what that does to a client that sends several requests at once. Write the `decode` half
//! of a `tokio_util::codec::Decoder` that restores the messages.
//!
//! `decode(buf)` is called whenever new bytes arrive in `buf`. It must:
//! - find the first `\n`; if there is none yet, return `Ok(None)` (wait for more bytes) — but if
//!   `buf` already holds more than `MAX_LINE + 1` bytes, drop them (`buf.clear()`) and remember
//!   that you are `discarding` the rest of this line;
//! - otherwise take the line *and* its `\n` out of `buf` (`buf.split_to(end + 1)`), leaving any
//!   following bytes for the next call;
//! - if you were discarding, clear the flag and return `Ok(Some(Err(FrameError::TooLong)))`;
//! - strip the `\n` and one `\r` before it (telnet sends `\r\n`); a line longer than `MAX_LINE`
//!   is `Err(FrameError::TooLong)`; bytes that are not UTF-8 are `Err(FrameError::NotUtf8)`;
//!   otherwise `Ok(line)`. Malformed frames are *items*, not `Err` of the outer `Result`: the
//!   server replies `ERR ...` and keeps the connection.
//!
//! What the grader checks (`cargo xtask exercise check 11.1`): every way of splitting a stream
//! of requests into reads gives the same lines; over-long lines, invalid UTF-8 and a connection
//! closed mid-line become the right `FrameError`s and the lines after them still come through;
//! and the real server, running your codec, answers a real client line for line.

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
        // TODO: find the first b'\n' in `buf`; split the line off with `buf.split_to(end + 1)`;
        // handle `self.discarding`, "\r\n", MAX_LINE and UTF-8 as the module doc says.
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
