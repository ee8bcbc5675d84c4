//! A wrong `LineFramer` for exercise 18.2.
//!
//! Wrong: reports a too-long line and empties the buffer, but does not skip the rest of the
//! line: its remaining bytes are framed as lines of their own (or more `TooLong`s).
//! Caught: the rest of a too-long line must be skipped

use crate::request::Frame;

/// An incremental line splitter: push bytes as they arrive, collect whole frames.
#[derive(Debug)]
pub struct LineFramer {
    max: usize,
    buf: Vec<u8>,
}

impl LineFramer {
    /// A framer for lines of at most `max` bytes (not counting `\n` or a `\r` before it).
    pub fn new(max: usize) -> Self {
        Self {
            max,
            buf: Vec::new(),
        }
    }

    /// Bytes of an unfinished line held right now (at most `max + 1`).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Feeds `bytes`; appends every frame they complete to `frames`, in order.
    pub fn push(&mut self, bytes: &[u8], frames: &mut Vec<Frame>) {
        for &byte in bytes {
            if byte == b'\n' {
                let mut line = std::mem::take(&mut self.buf);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                frames.push(Frame::Line(line));
            } else if self.buf.len() > self.max || (self.buf.len() == self.max && byte != b'\r') {
                self.buf.clear();
                frames.push(Frame::TooLong);
            } else {
                self.buf.push(byte);
            }
        }
    }
}
