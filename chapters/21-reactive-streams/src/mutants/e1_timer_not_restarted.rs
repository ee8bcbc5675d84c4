//! A wrong `debounce` for exercise 21.1.
//!
//! Wrong: starts the quiet timer when the first item of a burst is held and lets newer items
//! replace the held one without restarting it, so a long burst comes out in pieces.
//! Caught: every newer item must restart the quiet timer

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
        let first = s.input.next().await?;
        s.held = Some(first);
        let timer = tokio::time::sleep(quiet);
        tokio::pin!(timer);
        loop {
            tokio::select! {
                biased;
                next = s.input.next() => match next {
                    Some(newer) => s.held = Some(newer),
                    None => {
                        s.ended = true;
                        return s.held.take().map(|item| (item, s));
                    }
                },
                () = &mut timer => return s.held.take().map(|item| (item, s)),
            }
        }
    })
}
