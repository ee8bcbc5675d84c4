//! Backpressure: what happens when producers are faster than the consumer.
//!
//! A bounded buffer pushes back: once it is full, a producer's `send` blocks until the consumer
//! makes room, so the producers slow to the consumer's pace and the queue never holds more than
//! its capacity. An unbounded queue never pushes back: the producers finish at once, and the
//! whole backlog waits in memory. Neither makes the consumer faster; the choice is where the
//! waiting happens — in the producers (bounded) or in memory (unbounded).
//!
//! Two producers send 4 KiB messages to one slow consumer that sleeps 1 ms per message (a sleep:
//! latency is the subject here, not work). The queue is a `crossbeam_channel`: `bounded(8)` or
//! `unbounded()`. Each producer times its `send` calls; after each send it notes the queue's
//! length, so the run reports the high-water mark and what that backlog weighs.
//!
//! - `bounded`: expect the producers blocked for most of the run, a high-water mark of at most
//!   8 messages (32 KiB), producers done only just before the consumer.
//! - `unbounded`: expect no blocking, producers done within a millisecond, and a high-water mark
//!   near every message sent (hundreds of KiB in quick mode; it grows with the input, without
//!   limit).
//!
//! Run: `cargo run -p chapter-20 -- run backpressure [--variant unbounded]`. The async version
//! with tokio's bounded channel is `async`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

/// Bytes of payload per message.
pub const MESSAGE_BYTES: usize = 4096;

/// One message: a sequence number and a payload that makes memory use visible.
#[derive(Debug)]
pub struct Message {
    /// `producer * per_producer + i`: unique within a run.
    pub seq: u64,
    /// The payload.
    pub payload: Vec<u8>,
}

/// The settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `Some(n)`: a bounded queue of `n`; `None`: unbounded.
    pub capacity: Option<usize>,
    /// Producer threads.
    pub producers: usize,
    /// Messages per producer.
    pub per_producer: u64,
    /// How long the consumer sleeps per message.
    pub consumer_delay: Duration,
}

/// What a run measured.
#[derive(Debug, Clone, Copy)]
pub struct Pressure {
    /// The settings it ran with.
    pub settings: Settings,
    /// The most messages queued at once, as seen by the producers after each send.
    pub high_water: usize,
    /// Time all producers spent inside `send`, summed.
    pub blocked: Duration,
    /// When the last producer finished.
    pub producers_done: Duration,
    /// When the consumer finished.
    pub total: Duration,
    /// Messages the consumer received.
    pub received: u64,
    /// Every sequence number received exactly once.
    pub exactly_once: bool,
}

impl Pressure {
    /// The backlog's payload at the high-water mark, in bytes.
    pub fn high_water_bytes(&self) -> usize {
        self.high_water * MESSAGE_BYTES
    }
}

/// Runs producers against one slow consumer and measures the pressure.
pub fn measure(settings: Settings) -> Pressure {
    let (tx, rx) = match settings.capacity {
        Some(n) => crossbeam_channel::bounded::<Message>(n),
        None => crossbeam_channel::unbounded::<Message>(),
    };
    let high_water = Arc::new(AtomicUsize::new(0));
    let watch = Stopwatch::start();
    let total_messages = settings.producers as u64 * settings.per_producer;
    std::thread::scope(|scope| {
        let producers: Vec<_> = (0..settings.producers)
            .map(|p| {
                let (tx, high_water) = (tx.clone(), Arc::clone(&high_water));
                scope.spawn(move || {
                    let mut blocked = Duration::ZERO;
                    for i in 0..settings.per_producer {
                        let message = Message {
                            seq: p as u64 * settings.per_producer + i,
                            payload: vec![p as u8; MESSAGE_BYTES],
                        };
                        let sending = Stopwatch::start();
                        tx.send(message).expect("the consumer is alive");
                        blocked += sending.elapsed();
                        high_water.fetch_max(tx.len(), Ordering::Relaxed);
                    }
                    (blocked, watch.elapsed())
                })
            })
            .collect();
        drop(tx);
        let consumer = scope.spawn(move || {
            let mut seen = vec![false; total_messages as usize];
            let mut received = 0u64;
            let mut duplicates = 0u64;
            for message in rx {
                // The slow consumer: a sleep, because the delay itself is what is studied.
                std::thread::sleep(settings.consumer_delay);
                received += 1;
                match seen.get_mut(message.seq as usize) {
                    Some(flag) if !*flag && message.payload.len() == MESSAGE_BYTES => *flag = true,
                    _ => duplicates += 1,
                }
            }
            let exactly_once = duplicates == 0 && seen.iter().all(|&s| s);
            (received, exactly_once, watch.elapsed())
        });
        let mut blocked = Duration::ZERO;
        let mut producers_done = Duration::ZERO;
        for p in producers {
            let (b, done) = p.join().expect("a producer panicked");
            blocked += b;
            producers_done = producers_done.max(done);
        }
        let (received, exactly_once, total) = consumer.join().expect("the consumer panicked");
        Pressure {
            settings,
            high_water: high_water.load(Ordering::Relaxed),
            blocked,
            producers_done,
            total,
            received,
            exactly_once,
        }
    })
}

/// A row of the backpressure table.
pub fn table_row(label: &str, p: &Pressure) -> Vec<String> {
    vec![
        label.to_string(),
        p.settings
            .capacity
            .map_or("unbounded".to_string(), |c| c.to_string()),
        format!("{} ({} KiB)", p.high_water, p.high_water_bytes() / 1024),
        human(p.blocked),
        human(p.producers_done),
        human(p.total),
    ]
}

/// The table's header.
pub const HEADER: [&str; 6] = [
    "queue",
    "capacity",
    "high-water mark (payload)",
    "producers blocked (sum)",
    "producers done after",
    "consumer done after",
];

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let bounded = config.variant != "unbounded";
    let capacity = 8;
    let settings = Settings {
        capacity: bounded.then_some(capacity),
        producers: 2,
        per_producer: config.pick(100, 500),
        consumer_delay: Duration::from_millis(1),
    };
    let p = measure(settings);
    let sent = settings.producers as u64 * settings.per_producer;
    let mut table = TableData::new(
        format!(
            "{} producers x {} messages of {} KiB, one consumer sleeping {} per message",
            settings.producers,
            settings.per_producer,
            MESSAGE_BYTES / 1024,
            human(settings.consumer_delay)
        ),
        &HEADER,
    );
    table.row(table_row(config.variant, &p));
    let delivered = p.exactly_once && p.received == sent;
    let outcome = if bounded {
        let showed = delivered && p.high_water <= capacity;
        Outcome::new("backpressure", config.variant, verdict(showed))
            .line(format!(
                "The queue never held more than {} of {sent} messages; the producers spent {} blocked in `send`, \
                 waiting for the consumer to make room.",
                p.high_water,
                human(p.blocked)
            ))
            .key_figure("producers blocked (sum)", p.blocked.as_secs_f64(), "s")
            .figure("queue high-water mark", p.high_water as f64, "messages")
            .notice("a full bounded buffer slows the producers to the consumer's pace: memory stays flat")
    } else {
        let showed = delivered && p.high_water > capacity;
        Outcome::new("backpressure", config.variant, verdict(showed))
            .line(format!(
                "Nothing pushed back: the producers were done after {} while the consumer needed {}; \
                 up to {} messages ({} KiB) waited in memory.",
                human(p.producers_done),
                human(p.total),
                p.high_water,
                p.high_water_bytes() / 1024
            ))
            .key_figure("queue high-water mark", p.high_water as f64, "messages")
            .figure("producers blocked (sum)", p.blocked.as_secs_f64(), "s")
            .notice("an unbounded queue turns a slow consumer into memory growth: the backlog grows with the input")
    };
    Ok(outcome
        .line(format!(
            "{} of {sent} messages received, each exactly once: {}.",
            p.received,
            if delivered { "yes" } else { "NO" }
        ))
        .table(table)
        .figure("messages received", p.received as f64, "messages"))
}

fn verdict(showed: bool) -> Verdict {
    if showed {
        Verdict::Showed
    } else {
        Verdict::DidNotShow
    }
}
