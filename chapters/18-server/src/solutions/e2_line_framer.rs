//! Exercise 18.2 (reference solution): split a byte stream into request lines, with a limit.
//!
//! TCP delivers bytes, not lines: one read may hold half a line or three lines. The book's
//! servers used `makefile().readline()`, which buffers without any limit, so a client that never
//! sends a newline grows the server's memory forever. This framer holds at most `max` bytes: a
//! longer line is reported once as [`Frame::TooLong`] and the rest of it skipped up to its
//! newline, so the connection survives and the next line is read normally.
//!
//! Run the suite: `cargo xtask exercise check 18.2`. Book: chapter 18, example1/3/6
//! (`readline`).
//!
//! [`Frame::TooLong`]: crate::request::Frame::TooLong

use crate::request::Frame;

/// An incremental line splitter: push bytes as they arrive, collect whole frames.
#[derive(Debug)]
pub struct LineFramer {
    max: usize,
    buf: Vec<u8>,
    /// Inside a too-long line: skip up to the next newline.
    skipping: bool,
}

impl LineFramer {
    /// A framer for lines of at most `max` bytes (not counting `\n` or a `\r` before it).
    pub fn new(max: usize) -> Self {
        Self {
            max,
            buf: Vec::new(),
            skipping: false,
        }
    }

    /// Feeds `bytes`; appends every frame they complete to `frames`, in order.
    pub fn push(&mut self, bytes: &[u8], frames: &mut Vec<Frame>) {
        for &byte in bytes {
            if byte == b'\n' {
                if self.skipping {
                    self.skipping = false;
                } else {
                    let mut line = std::mem::take(&mut self.buf);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    frames.push(Frame::Line(line));
                }
            } else if !self.skipping {
                // One byte of slack for a `\r` that may turn out to end the line.
                if self.buf.len() > self.max || (self.buf.len() == self.max && byte != b'\r') {
                    self.buf.clear();
                    self.skipping = true;
                    frames.push(Frame::TooLong);
                } else {
                    self.buf.push(byte);
                }
            }
        }
    }

    /// Bytes of an unfinished line held right now (at most `max + 1`).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}
