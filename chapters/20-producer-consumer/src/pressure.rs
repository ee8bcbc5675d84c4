//! What `backpressure` (threads) and `async` (tasks) share: the settings of a run with a slow
//! consumer, what it measured, and the lower bound that says the producers were held back.
//!
//! A bounded queue of `capacity` holds producers back: a producer's last send can only complete
//! once the consumer has taken all but `capacity` of the messages, and the consumer sleeps after
//! each take (a sleep never ends early). So with a bounded queue the producers cannot be done
//! before about `(sent − capacity) × delay` — [`Settings::held_back_bound`] — while with an
//! unbounded one they are done almost at once. That bound is what the examples' verdicts check;
//! the queue's high-water mark is only reported (that it stays at or below the capacity is the
//! channel's own guarantee, not something the run could fail to show).
//!
//! Not an example on its own: see `backpressure.rs` and `async_pipeline.rs`, which mirror the
//! book's `queue.Queue(maxsize)` (the book never shows a slow consumer).

use std::time::Duration;

/// The settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `Some(n)`: a bounded queue of `n`; `None`: unbounded.
    pub capacity: Option<usize>,
    /// Producer threads or tasks.
    pub producers: usize,
    /// Messages per producer.
    pub per_producer: u64,
    /// How long the consumer sleeps per message.
    pub consumer_delay: Duration,
}

impl Settings {
    /// Messages sent in all.
    pub fn sent(&self) -> u64 {
        self.producers as u64 * self.per_producer
    }

    /// The earliest the producers can be done when a bounded queue holds them back: by then the
    /// consumer has taken every message but the `capacity` still queued, sleeping
    /// `consumer_delay` after each take. (One message per producer is left out as slack for
    /// when the producers note the time.) Zero for an unbounded queue: nothing holds it back.
    pub fn held_back_bound(&self) -> Duration {
        let Some(capacity) = self.capacity else {
            return Duration::ZERO;
        };
        let taken_first = self
            .sent()
            .saturating_sub(capacity as u64)
            .saturating_sub(self.producers as u64);
        self.consumer_delay
            .saturating_mul(u32::try_from(taken_first).unwrap_or(u32::MAX))
    }
}

/// What a run measured.
#[derive(Debug, Clone, Copy)]
pub struct Pressure {
    /// The settings it ran with.
    pub settings: Settings,
    /// The most messages queued at once.
    pub high_water: usize,
    /// Time the producers spent waiting in `send` (blocked threads, or suspended tasks), summed.
    pub waited: Duration,
    /// When the last producer finished.
    pub producers_done: Duration,
    /// When the consumer finished.
    pub total: Duration,
    /// Messages the consumer received.
    pub received: u64,
    /// Every message received exactly once.
    pub exactly_once: bool,
}

impl Pressure {
    /// Every message sent was received, exactly once.
    pub fn delivered(&self) -> bool {
        self.exactly_once && self.received == self.settings.sent()
    }

    /// The producers were done no earlier than [`Settings::held_back_bound`]: the consumer's
    /// pace held them back.
    pub fn held_back(&self) -> bool {
        self.producers_done >= self.settings.held_back_bound()
    }
}
