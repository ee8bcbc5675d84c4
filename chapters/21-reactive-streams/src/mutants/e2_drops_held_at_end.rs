//! A wrong `sample` for exercise 21.2.
//!
//! Wrong: ends the output as soon as the input ends, dropping the item held since the last tick.
//! Caught: was lost when the input ended

use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Interval, MissedTickBehavior, interval_at};

/// What the sampler carries from one emitted item to the next.
struct State<S: Stream> {
    input: S,
    ticks: Interval,
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
    let mut ticks = interval_at(Instant::now() + period, period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let state = State {
        input,
        ticks,
        latest: None,
        ended: false,
    };
    futures::stream::unfold(state, |mut s| async move {
        if s.ended {
            return None;
        }
        loop {
            tokio::select! {
                biased;
                next = s.input.next() => s.latest = Some(next?),
                _ = s.ticks.tick() => {
                    if let Some(item) = s.latest.take() {
                        return Some((item, s));
                    }
                }
            }
        }
    })
}
