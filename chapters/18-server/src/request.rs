//! What one request is, before any server or session sees it: a framed line (or the news that
//! a line was too long), and the arithmetic a list is answered with.
//!
//! These are the types the two exercises work in — [`crate::line_framer`] produces [`Frame`]s,
//! [`crate::evaluate`] answers a list in a [`Mode`] or says why not with an [`EvalError`] — and
//! the [`crate::protocol`] session consumes. Kept apart from the session, so that the exercises
//! and the protocol both depend on them and not on each other.
//!
//! Book: chapter 18, example3.py and example6.py (`process_request`).

/// The arithmetic a list is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Add the numbers (the mode a connection starts in).
    Sum,
    /// Multiply them.
    Product,
}

impl Mode {
    /// The mode's name, as the client types it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sum => "sum",
            Mode::Product => "product",
        }
    }
}

/// Why a request line is not a list the server can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// Nothing but whitespace.
    Empty,
    /// One item (given, trimmed) is not a 64-bit signed integer.
    NotAnInteger(String),
    /// The sum or product does not fit in an `i64`.
    Overflow,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Empty => f.write_str("nothing to add or multiply"),
            EvalError::NotAnInteger(item) => write!(f, "“{item}” is not a 64-bit integer"),
            EvalError::Overflow => {
                f.write_str("the result does not fit in a 64-bit signed integer")
            }
        }
    }
}

/// One framed request: a complete line, or the news that a line went over the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A line's bytes, without `\n` and without a `\r` just before it.
    Line(Vec<u8>),
    /// A line longer than the limit: reported once, and the rest of it, up to its newline, is
    /// skipped.
    TooLong,
}
