//! Exercise 6.2 — length-prefixed messages on a byte stream.
//!
//! A pipe carries bytes, not messages: one `write` may arrive in several `read`s and several
//! writes in one. The book's `multiprocessing.Queue` hides that by writing each pickled object
//! with its length in front. Do the same: a 4-byte little-endian length, then the bytes.
//!
//! What the grader checks (`cargo xtask exercise check 6.2`):
//! - frames round-trip, including the empty message, even through a reader that hands out one
//!   byte per `read`;
//! - a clean end of stream gives `Ok(None)`; a stream cut inside a frame gives `UnexpectedEof`;
//! - a thousand frames written by a forked child into a pipe arrive exactly once, in order.

use std::io::{self, Read, Write};

/// Writes `msg` as one frame: its length as a `u32` in little-endian, then its bytes.
pub fn write_frame(w: &mut impl Write, msg: &[u8]) -> io::Result<()> {
    // TODO: write the length (`u32::to_le_bytes`), then the message, with `write_all`.
    let _ = (w, msg);
    todo!("write one frame")
}

/// Reads one frame. `Ok(None)` at a clean end of stream (before any byte of a frame); an error
/// of kind `UnexpectedEof` if the stream ends inside a frame.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    // TODO: read the 4 length bytes (a `read` may return fewer than asked, or 0 at the end),
    // then exactly that many bytes (`read_exact`).
    let _ = r;
    todo!("read one frame")
}
