//! A wrong `LineFramer` for exercise 18.2.
//!
//! Wrong: splits each read on `\n` but starts every read afresh: the unfinished line kept from
//! the last read is overwritten, so a line cut by a read boundary loses its first part.
//! Caught: a line split across reads

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
        let mut parts = bytes.split(|&b| b == b'\n');
        // The last part has no newline yet: it is kept for the next read.
        let rest = parts.next_back().unwrap_or_default();
        for part in parts {
            if self.skipping {
                self.skipping = false;
                continue;
            }
            let line = part.strip_suffix(b"\r").unwrap_or(part);
            if line.len() > self.max {
                frames.push(Frame::TooLong);
            } else {
                frames.push(Frame::Line(line.to_vec()));
            }
        }
        if rest.len() > self.max + 1 || (rest.len() == self.max + 1 && rest.last() != Some(&b'\r'))
        {
            if !self.skipping {
                frames.push(Frame::TooLong);
            }
            self.skipping = true;
            self.buf.clear();
        } else if !self.skipping {
            self.buf = rest.to_vec();
        }
    }
}
