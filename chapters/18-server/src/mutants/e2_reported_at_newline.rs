//! A wrong `LineFramer` for exercise 18.2.
//!
//! Wrong: notices a line going over the limit and stops buffering it, but reports
//! `Frame::TooLong` only when the line's newline arrives, so a client that never sends one is
//! never told.
//! Caught: as soon as it goes over the limit

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

    /// Bytes of an unfinished line held right now (at most `max + 1`).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Feeds `bytes`; appends every frame they complete to `frames`, in order.
    pub fn push(&mut self, bytes: &[u8], frames: &mut Vec<Frame>) {
        for &byte in bytes {
            if byte == b'\n' {
                if self.skipping {
                    self.skipping = false;
                    frames.push(Frame::TooLong);
                } else {
                    let mut line = std::mem::take(&mut self.buf);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    frames.push(Frame::Line(line));
                }
            } else if !self.skipping {
                if self.buf.len() > self.max || (self.buf.len() == self.max && byte != b'\r') {
                    self.buf.clear();
                    self.skipping = true;
                } else {
                    self.buf.push(byte);
                }
            }
        }
    }
}
