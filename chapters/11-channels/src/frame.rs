//! What a malformed frame is: the errors the line codec (exercise 11.1) reports as items.
//!
//! Kept apart from the codec so that the learner's starter and the reference solution share one
//! definition, and the protocol can turn each error into an `ERR ...` reply. Used by
//! `framed-protocol` and `graceful-shutdown` (`cargo run -p chapter-11 -- run framed-protocol`);
//! the book's `data_received` has no notion of a frame at all (chapter 11, "The asyncio server").

use std::fmt;

/// The longest request line accepted, in bytes, not counting the line end.
pub const MAX_LINE: usize = 1024;

/// A frame the codec could not turn into a request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// The line was longer than [`MAX_LINE`] bytes; its bytes were skipped up to its `\n`.
    TooLong,
    /// The line was not valid UTF-8.
    NotUtf8,
    /// The peer closed the connection with this many bytes of an unfinished line.
    Truncated {
        /// Bytes of the unfinished line.
        bytes: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong => write!(f, "line longer than {MAX_LINE} bytes"),
            Self::NotUtf8 => write!(f, "line is not UTF-8"),
            Self::Truncated { bytes } => {
                write!(
                    f,
                    "connection closed after {bytes} bytes of an unfinished line"
                )
            }
        }
    }
}

impl std::error::Error for FrameError {}
