//! Exercise 21.1 — debounce: emit an item only once the stream has been quiet for a while after it.
//!
//! A sensor sends bursts of readings 10 ms apart, then goes quiet. A subscriber that only wants
//! the reading a burst settles on debounces: it holds the latest item, replaces it with every
//! newer one (restarting a `quiet` timer each time), and emits it when the timer runs out. When
//! the input ends, a held item comes out at once. Neither `futures` nor `tokio-stream` has this
//! operator: write it here.
//!
//! Already set up below: `futures::stream::unfold` over a `State`. Each call of its closure is
//! one step of the output stream: it returns the next item to emit (with the state for the next
//! call), or `None` to end the output. The times are the task: what comes out, and when.
//!
//! What the grader checks (`cargo xtask exercise check 21.1`, on tokio's paused clock, so every
//! time is exact):
//! - a burst becomes one item: the burst's last, emitted exactly `quiet` after it (so every
//!   newer item restarts the timer, and no item comes out the moment it arrives);
//! - items further apart than `quiet` all come out, each `quiet` after it arrived;
//! - the held item comes out when the input ends, at that moment, and the output ends with the
//!   input, not later; an empty input gives nothing.
//!
//! Then `COURSE_BUILD=learner cargo run -p chapter-21 -- run operators --variant debounce` runs
//! the example with your code.

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
        // TODO: produce the next item to emit. Hold the latest item (a newer one replaces it);
        // emit it once `quiet` has passed with no newer item, or at once when the input ends;
        // end the output (`None`) when the input has ended and nothing is held.
        let _unused = (s.input.next(), &mut s.held, quiet);
        todo!("debounce the input")
    })
}
