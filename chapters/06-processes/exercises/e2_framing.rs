//! Exercise 6.2 — length-prefixed messages on a byte stream.
//!
//! A pipe carries bytes, not messages: one `write` may arrive in several `read`s and several
//! writes in one. The book's `multiprocessing.Queue` hides that by writing each pickled object
//! with its length in front. Do the same: a 4-byte little-endian length, then the bytes.
//!
//! What the grader checks (`cargo xtask exercise check 6.2`):
//! - the bytes written are exactly that: `b"hi"` is `[2, 0, 0, 0, b'h', b'i']`; and frames
//!   written that way by the test itself are read back;
//! - frames round-trip, including the empty message, even through a reader that hands out one
//!   byte per `read`;
//! - a clean end of stream gives `Ok(None)`; a stream cut inside a frame (in its length or in its
//!   bytes) gives `UnexpectedEof`;
//! - a thousand frames written by a forked child into a pipe arrive exactly once, in order.

use std::io::{self, Read, Write};

/// Writes `msg` as one frame: its length as a `u32` in little-endian, then its bytes.
pub fn write_frame(w: &mut impl Write, msg: &[u8]) -> io::Result<()> {
    // TODO: write the length, then the message: all of both, however little one write takes.
    let _ = (w, msg);
    todo!("write one frame")
}

/// Reads one frame. `Ok(None)` at a clean end of stream (before any byte of a frame); an error
/// of kind `UnexpectedEof` if the stream ends inside a frame.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    // TODO: read the length, then the message, however few bytes each `read` hands out. Tell
    // a clean end (no byte of a new frame) from a stream cut inside a frame.
    let _ = r;
    todo!("read one frame")
}
