//! A wrong `LineFramer` for exercise 18.2.
//!
//! Wrong: has no length limit, like the book's `readline()`: a line is buffered however long it
//! grows, so a client that never sends a newline grows the server's memory without end.
//! Caught: at most max + 1

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
                if line.len() > self.max {
                    frames.push(Frame::TooLong);
                } else {
                    frames.push(Frame::Line(line));
                }
            } else {
                self.buf.push(byte);
            }
        }
    }
}
