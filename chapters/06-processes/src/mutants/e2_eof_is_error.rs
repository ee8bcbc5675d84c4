//! A wrong framing for exercise 6.2.
//!
//! Wrong: reads the length with `read_exact`, which reports a clean end of stream (no byte of a new
//! frame) as an `UnexpectedEof` error instead of `Ok(None)`.
//! Caught: clean end of stream

use std::io::{self, ErrorKind, Read, Write};

/// Writes `msg` as one frame: its length as a `u32` in little-endian, then its bytes.
pub fn write_frame(w: &mut impl Write, msg: &[u8]) -> io::Result<()> {
    let len = u32::try_from(msg.len())
        .map_err(|_| io::Error::new(ErrorKind::InvalidInput, "message longer than u32::MAX"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(msg)
}

/// Reads one frame. `Ok(None)` at a clean end of stream (before any byte of a frame); an error
/// of kind `UnexpectedEof` if the stream ends inside a frame.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}
