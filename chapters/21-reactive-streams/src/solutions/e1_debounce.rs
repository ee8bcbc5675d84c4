//! Exercise 21.1 (reference solution) — debounce: emit an item only once the stream has been
//! quiet for a while after it.
//!
//! `debounce(input, quiet)` holds the latest item; every newer item replaces it and restarts the
//! quiet timer; when the timer runs out, the held item comes out. When the input ends, a held
//! item comes out at once (as Rx's `debounce` does on completion). A burst of readings becomes
//! one reading, `quiet` after the burst's last. Neither `futures` nor `tokio-stream` has this
//! operator, so it is written here, from `stream::unfold` and `tokio::select!`.
//!
//! Used by `cargo run -p chapter-21 -- run operators --variant debounce`; graded by
//! `cargo xtask exercise check 21.1` (tests/exercise_21_1.rs, on tokio's paused clock).
//! No book section: the book has no reactive streams (it builds on chapters 9–11's asyncio).

use std::time::Duration;

use futures::{Stream, StreamExt};

/// What the debouncer carries from one item to the next.
struct State<S: Stream> {
    input: S,
    /// The latest item not yet emitted.
    held: Option<S::Item>,
    /// The input has ended: emit nothing more.
    ended: bool,
}

/// Emits an item of `input` only when no newer item arrives within `quiet` after it; on the
/// input's end, emits the held item (if any) at once.
pub fn debounce<S>(input: S, quiet: Duration) -> impl Stream<Item = S::Item>
where
    S: Stream + Unpin,
{
    let state = State {
        input,
        held: None,
        ended: false,
    };
    futures::stream::unfold(state, move |mut s| async move {
        if s.ended {
            return None;
        }
        loop {
            match s.held.take() {
                // Nothing held: no timer runs; wait for the next item (or the end).
                None => match s.input.next().await {
                    Some(item) => s.held = Some(item),
                    None => return None,
                },
                // Something held: whichever comes first, a newer item or the quiet timer.
                // A fresh `sleep` each time round is what restarts the timer on every item.
                Some(item) => {
                    tokio::select! {
                        biased;
                        next = s.input.next() => match next {
                            Some(newer) => s.held = Some(newer),
                            None => {
                                s.ended = true;
                                return Some((item, s));
                            }
                        },
                        () = tokio::time::sleep(quiet) => return Some((item, s)),
                    }
                }
            }
        }
    })
}
