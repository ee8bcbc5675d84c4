//! Exercise 21.2 (reference solution) — sample: at every tick of a clock, emit the latest item
//! that arrived since the last tick.
//!
//! `sample(input, period)` is a backpressure strategy: however fast the input, at most one item
//! comes out per `period`, and it is the freshest one; the others are dropped. Ticks with no new
//! item emit nothing. When the input ends, the item held (if any) comes out at once. The clock is
//! a `tokio::time::interval` whose first tick is one `period` after `sample` is called, set to
//! skip missed ticks (a slow subscriber gets the latest item, not a burst of stale ticks).
//!
//! Used by `cargo run -p chapter-21 -- run backpressure --variant sample`; graded by
//! `cargo xtask exercise check 21.2` (tests/exercise_21_2.rs, on tokio's paused clock).
//! No book section: the book has no reactive streams (it builds on chapters 9–11's asyncio).

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
                // Input first: drain what is ready, so a tick sees the freshest item.
                biased;
                next = s.input.next() => match next {
                    Some(item) => s.latest = Some(item),
                    None => {
                        s.ended = true;
                        return s.latest.take().map(|item| (item, s));
                    }
                },
                _ = s.ticks.tick() => {
                    if let Some(item) = s.latest.take() {
                        return Some((item, s));
                    }
                }
            }
        }
    })
}
