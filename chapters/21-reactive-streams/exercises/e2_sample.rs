//! Exercise 21.2 — sample: at every tick of a clock, emit the latest item that arrived since the
//! last tick.
//!
//! A producer is faster than its subscriber. Sampling is one way to cope: at most one item per
//! `period` comes out, and it is the freshest; the rest are dropped. Ticks with no new item emit
//! nothing. When the input ends, the item held (if any) comes out at once.
//!
//! Already set up below: the clock, a `tokio::time::interval` whose first tick is one `period`
//! away and which skips ticks missed while nobody polled it; and `futures::stream::unfold` over a
//! `State`. Each call of its closure is one step of the output stream: it returns the next item
//! to emit (with the state for the next call), or `None` to end the output.
//!
//! What the grader checks (`cargo xtask exercise check 21.2`, on tokio's paused clock):
//! - a fast input (one item every 2 ms) sampled every 10 ms gives, at each tick, the last item
//!   before it;
//! - the clock ticks every `period` whatever the input does; quiet periods emit nothing (and do
//!   not end the output), and an item is never emitted twice;
//! - the last item comes out when the input ends, at that moment, and the output ends with the
//!   input, not before or after; an empty input gives nothing.
//!
//! Then `COURSE_BUILD=learner cargo run -p chapter-21 -- run backpressure --variant sample` runs
//! the example with your code.

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
        // TODO: produce the next item to emit: at a tick, the freshest item that arrived since
        // the last emission (a tick with nothing new emits nothing); when the input ends, the
        // item held, at once; end the output (`None`) when the input has ended.
        let _unused = (s.input.next(), &mut s.ticks, &mut s.latest);
        todo!("sample the input")
    })
}
