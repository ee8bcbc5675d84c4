//! Lock waits and holds as `tracing` spans, for `--trace FILE`.
//!
//! A deadlock is a picture in time: each thread holding one lock and waiting, forever, for the
//! next. [`take`] locks a [`TrackedMutex`] inside a "waiting for fork 1" span and hands back a
//! [`Held`] lock whose "holding fork 0" span lasts as long as the guard, so under
//! `chapter-12 run <example> --trace trace.json` every thread's row in Perfetto
//! (<https://ui.perfetto.dev>) shows what it held and what it waited for. When the watchdog breaks
//! a deadlock, the broken wait's bar is marked `abandoned: true`: the waits of the cycle are the
//! bars that run to the end of the run. Without `--trace` the spans are disabled at their call
//! sites and the labels are never formatted.
//!
//! Used by [`crate::two_locks`] and [`crate::dining_philosophers`]; the book's chapter 12 has no
//! tracing, this is how one would look at its deadlocks.

use std::fmt::Arguments;

use common::deadlock::{Abandoned, TrackedGuard, TrackedMutex};
use common::trace::tracing::{field::Empty, info_span, span::EnteredSpan};

/// A lock in hand. Under `--trace`, its bar "holding …" lasts as long as this value (the guard
/// is dropped first, so the bar covers the release).
pub struct Held<'a> {
    _guard: TrackedGuard<'a, ()>,
    _holding: EnteredSpan,
}

impl<'a> Held<'a> {
    /// Wraps a guard taken some other way (a `try_lock`) in its "holding `what`" span.
    pub fn new(guard: TrackedGuard<'a, ()>, what: Arguments<'_>) -> Self {
        Self {
            _guard: guard,
            _holding: info_span!("holding", label = format!("holding {what}")).entered(),
        }
    }
}

/// Locks `lock` (called `what`, e.g. `format_args!("fork {i}")`) inside a "waiting for `what`"
/// span; if the watchdog abandons the wait (a deadlock), the span is marked `abandoned` first.
pub fn take<'a>(lock: &'a TrackedMutex<()>, what: Arguments<'_>) -> Result<Held<'a>, Abandoned> {
    let waiting = info_span!(
        "waiting for",
        label = format!("waiting for {what}"),
        abandoned = Empty
    )
    .entered();
    match lock.lock() {
        Ok(guard) => {
            drop(waiting);
            Ok(Held::new(guard, what))
        }
        Err(abandoned) => {
            waiting.record("abandoned", true);
            Err(abandoned)
        }
    }
}
