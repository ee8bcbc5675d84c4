//! A wrong line codec for exercise 11.1.
//!
//! Wrong: starts discarding as soon as more than `MAX_LINE` bytes wait for their `\n`, leaving no
//! room for the `\r` of a line of exactly `MAX_LINE` bytes sent with `\r\n`.
//! Caught: a line of exactly MAX_LINE bytes

use bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

pub use crate::frame::{FrameError, MAX_LINE};

/// Cuts a byte stream into `\n`-terminated lines of at most [`MAX_LINE`] bytes (not counting the
/// `\n`, or an `\r\n` that telnet sends), and writes replies as lines.
#[derive(Debug, Default)]
pub struct LineCodec {
    /// True while skipping the rest of an over-long line: its bytes are dropped as they arrive,
    /// so a client that never sends `\n` cannot make the server buffer without bound.
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
        match buf.iter().position(|&b| b == b'\n') {
            Some(end) => {
                let line = buf.split_to(end + 1);
                if std::mem::take(&mut self.discarding) {
                    // The end of the over-long line: one error for the whole line.
                    return Ok(Some(Err(FrameError::TooLong)));
                }
                let mut line = &line[..end];
                if let Some(stripped) = line.strip_suffix(b"\r") {
                    line = stripped;
                }
                if line.len() > MAX_LINE {
                    return Ok(Some(Err(FrameError::TooLong)));
                }
                Ok(Some(
                    std::str::from_utf8(line)
                        .map(str::to_owned)
                        .map_err(|_| FrameError::NotUtf8),
                ))
            }
            None => {
                // No full line yet. Past the limit (plus room for "\r"), nothing this line can
                // become is acceptable: drop what we have and skip to its end.
                if buf.len() > MAX_LINE {
                    buf.clear();
                    self.discarding = true;
                }
                Ok(None)
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() && !self.discarding {
            return Ok(None);
        }
        // The peer closed in the middle of a line: report it once, then the stream ends.
        let bytes = buf.remaining();
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
