//! A wrong `debounce` for exercise 21.1.
//!
//! Wrong: ends the output as soon as the input ends, dropping the item it was holding.
//! Caught: was lost when the input ended

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
                None => match s.input.next().await {
                    Some(item) => s.held = Some(item),
                    None => return None,
                },
                Some(item) => {
                    tokio::select! {
                        biased;
                        next = s.input.next() => s.held = Some(next?),
                        () = tokio::time::sleep(quiet) => return Some((item, s)),
                    }
                }
            }
        }
    })
}
