//! A wrong `debounce` for exercise 21.1.
//!
//! Wrong: emits the first item of a burst at once and then swallows the items that follow it
//! within the quiet period (a leading-edge debounce), so a burst becomes its first item, not its
//! last.
//! Caught: the moment it arrived

use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

/// What the debouncer carries from one item to the next.
struct State<S: Stream> {
    input: S,
    /// When the latest item arrived.
    last: Option<Instant>,
}

/// Emits an item of `input` only when no newer item arrives within `quiet` after it; on the
/// input's end, emits the held item (if any) at once.
pub fn debounce<S>(input: S, quiet: Duration) -> impl Stream<Item = S::Item>
where
    S: Stream + Unpin,
{
    let state = State { input, last: None };
    futures::stream::unfold(state, move |mut s| async move {
        loop {
            let item = s.input.next().await?;
            let now = Instant::now();
            let in_a_burst = s.last.is_some_and(|last| now - last < quiet);
            s.last = Some(now);
            if !in_a_burst {
                return Some((item, s));
            }
        }
    })
}
