//! A wrong `sample` for exercise 21.2.
//!
//! Wrong: races each item against a fresh `sleep(period)` instead of one clock that ticks every
//! period, so every item restarts the wait and a fast input never lets a tick come.
//! Caught: ticks every 10 ms whatever the input does

use std::time::Duration;

use futures::{Stream, StreamExt};

/// What the sampler carries from one emitted item to the next.
struct State<S: Stream> {
    input: S,
    /// The latest item since the last emission.
    latest: Option<S::Item>,
    /// The input has ended: emit nothing more.
    ended: bool,
}

/// At each tick of a `period` clock (the first one `period` from now), emits the latest item
/// of `input` received since the previous emission, if any; on the input's end, emits the held
/// item (if any) at once.
pub fn sample<S>(input: S, period: Duration) -> impl Stream<Item = S::Item>
where
    S: Stream + Unpin,
{
    let state = State {
        input,
        latest: None,
        ended: false,
    };
    futures::stream::unfold(state, move |mut s| async move {
        if s.ended {
            return None;
        }
        loop {
            tokio::select! {
                biased;
                next = s.input.next() => match next {
                    Some(item) => s.latest = Some(item),
                    None => {
                        s.ended = true;
                        return s.latest.take().map(|item| (item, s));
                    }
                },
                () = tokio::time::sleep(period) => {
                    if let Some(item) = s.latest.take() {
                        return Some((item, s));
                    }
                }
            }
        }
    })
}
