//! Backpressure: what happens when producers are faster than the consumer.
//!
//! A bounded buffer pushes back: once it is full, a producer's `send` blocks until the consumer
//! makes room, so the producers slow to the consumer's pace and the queue never holds more than
//! its capacity. An unbounded queue never pushes back: the producers finish at once, and the
//! whole backlog waits in the queue. Neither makes the consumer faster; the choice is where the
//! waiting happens — in the producers (bounded) or in the queue (unbounded).
//!
//! Two producers send 4 KiB messages to one slow consumer that sleeps 1 ms per message (a sleep:
//! latency is the subject here, not work). The queue is a `crossbeam_channel`: `bounded(8)` or
//! `unbounded()`. Each producer times its `send` calls; after each send it notes the queue's
//! length, so the run reports the high-water mark and the payload bytes queued then (the count
//! times 4 KiB: computed, not a measurement of the process's memory). Every thread runs under
//! the watchdog, so a stall or the time budget ends the run and is reported, never a hang.
//!
//! - `bounded`: expect the producers blocked for most of the run and done only just before the
//!   consumer: no earlier than `(sent − capacity − producers) × 1 ms`, which the verdict checks
//!   (the sleeps guarantee it whenever the queue holds the producers back). At most 8 messages
//!   (32 KiB of payload) are ever queued.
//! - `unbounded`: expect no blocking, producers done within a millisecond, and a high-water mark
//!   near every message sent (hundreds of KiB of queued payload in quick mode; it grows with the
//!   input, without limit).
//!
//! Run: `cargo run -p chapter-20 -- run backpressure [--variant unbounded]`. The async version
//! with tokio's bounded channel is `async`; the settings and measurements they share are in
//! `pressure.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

pub use crate::pressure::{Pressure, Settings};

common::variants! {
    /// Which queue stands between the producers and the slow consumer.
    pub enum Queue {
        /// `crossbeam_channel::bounded(8)`: a full queue makes `send` wait.
        Bounded = "bounded": "crossbeam bounded(8): producers wait, the queued payload stays bounded",
        /// `crossbeam_channel::unbounded()`: `send` never waits.
        Unbounded = "unbounded": "crossbeam unbounded(): producers never wait, the backlog grows",
    }
}

/// Bytes of payload per message.
pub const MESSAGE_BYTES: usize = 4096;

/// One message: a sequence number and a payload, so the queue holds real bytes.
#[derive(Debug)]
pub struct Message {
    /// `producer * per_producer + i`: unique within a run.
    pub seq: u64,
    /// The payload.
    pub payload: Vec<u8>,
}

/// The payload bytes queued at the high-water mark: the count times [`MESSAGE_BYTES`]
/// (computed from the count, not measured memory).
pub fn queued_bytes(p: &Pressure) -> usize {
    p.high_water * MESSAGE_BYTES
}

/// What a thread of the run returns.
enum Part {
    /// Time spent in `send`, and when the producer finished.
    Producer(Duration, Duration),
    /// Messages received, whether each was received exactly once, when the consumer finished.
    Consumer(u64, bool, Duration),
}

/// Runs producers against one slow consumer and measures the pressure, every thread under the
/// watchdog with `deadline`. `Err` says why the watchdog ended the run (a stall, the deadline,
/// a panic), with each thread's state.
pub fn measure(settings: Settings, deadline: Duration) -> Result<Pressure, String> {
    let (tx, rx) = match settings.capacity {
        Some(n) => crossbeam_channel::bounded::<Message>(n),
        None => crossbeam_channel::unbounded::<Message>(),
    };
    let high_water = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let total_messages = settings.sent();
    let mut workers = Vec::new();
    for p in 0..settings.producers {
        let (tx, high_water) = (tx.clone(), Arc::clone(&high_water));
        workers.push(worker(format!("producer {p}"), move |ctx: &WorkerCtx| {
            let mut waited = Duration::ZERO;
            for i in 0..settings.per_producer {
                if ctx.should_stop() {
                    break;
                }
                let message = Message {
                    seq: p as u64 * settings.per_producer + i,
                    payload: vec![p as u8; MESSAGE_BYTES],
                };
                let sending = Instant::now();
                if tx.send(message).is_err() {
                    break; // the consumer stopped early
                }
                waited += sending.elapsed();
                high_water.fetch_max(tx.len(), Ordering::Relaxed);
                ctx.progress();
            }
            Part::Producer(waited, started.elapsed())
        }));
    }
    drop(tx); // Only the producers' clones remain: when they finish, the channel closes.
    workers.push(worker("consumer", move |ctx: &WorkerCtx| {
        let mut seen = vec![false; total_messages as usize];
        let mut received = 0u64;
        let mut duplicates = 0u64;
        while !ctx.should_stop() {
            let Ok(message) = rx.recv() else { break };
            // The slow consumer: a sleep, because the delay itself is what is studied.
            std::thread::sleep(settings.consumer_delay);
            received += 1;
            match seen.get_mut(message.seq as usize) {
                Some(flag) if !*flag && message.payload.len() == MESSAGE_BYTES => *flag = true,
                _ => duplicates += 1,
            }
            ctx.progress();
        }
        let exactly_once = duplicates == 0 && seen.iter().all(|&s| s);
        Part::Consumer(received, exactly_once, started.elapsed())
    }));

    let report = Watchdog::new(deadline).run(workers);
    let panics = report.panics();
    if report.ending != Ending::Finished || !panics.is_empty() {
        let mut why = vec![report.describe_ending()];
        why.extend(panics);
        why.extend(report.thread_lines());
        return Err(why.join("; "));
    }
    let mut pressure = Pressure {
        settings,
        high_water: high_water.load(Ordering::Relaxed),
        waited: Duration::ZERO,
        producers_done: Duration::ZERO,
        total: Duration::ZERO,
        received: 0,
        exactly_once: false,
    };
    for part in report.results().into_iter().flatten() {
        match *part {
            Part::Producer(waited, done) => {
                pressure.waited += waited;
                pressure.producers_done = pressure.producers_done.max(done);
            }
            Part::Consumer(received, exactly_once, total) => {
                pressure.received = received;
                pressure.exactly_once = exactly_once;
                pressure.total = total;
            }
        }
    }
    Ok(pressure)
}

/// A row of the backpressure table.
pub fn table_row(label: &str, p: &Pressure) -> Vec<String> {
    vec![
        label.to_string(),
        p.settings
            .capacity
            .map_or("unbounded".to_string(), |c| c.to_string()),
        format!("{} ({} KiB)", p.high_water, queued_bytes(p) / 1024),
        human(p.waited),
        human(p.producers_done),
        human(p.total),
    ]
}

/// The table's header.
pub const HEADER: [&str; 6] = [
    "queue",
    "capacity",
    "high-water mark (queued payload)",
    "producers blocked in send (sum)",
    "producers done after",
    "consumer done after",
];

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let queue = config.variant_of::<Queue>()?;
    let capacity = 8;
    let settings = Settings {
        capacity: match queue {
            Queue::Bounded => Some(capacity),
            Queue::Unbounded => None,
        },
        producers: 2,
        per_producer: config.pick(100, 500),
        consumer_delay: Duration::from_millis(1),
    };
    let sent = settings.sent();
    let p = match measure(settings, config.budget()) {
        Ok(p) => p,
        Err(why) => {
            return Ok(config
                .outcome(Verdict::DidNotShow)
                .line(format!(
                    "The watchdog ended the run within its budget of {}: {why}.",
                    human(config.budget())
                ))
                .count("messages sent", sent, "messages")
                .as_key());
        }
    };
    let mut table = TableData::new(
        format!(
            "{} producers × {} messages of {} KiB, one consumer sleeping {} per message",
            settings.producers,
            common::format::count(settings.per_producer),
            MESSAGE_BYTES / 1024,
            human(settings.consumer_delay)
        ),
        &HEADER,
    );
    table.row(table_row(&queue.to_string(), &p));
    let delivered = p.delivered();
    let outcome = match queue {
        Queue::Bounded => {
            let bound = settings.held_back_bound();
            let showed = delivered && p.held_back();
            config.outcome(Verdict::from(showed))
            .line(format!(
                "The producers spent {} blocked in `send`, waiting for the consumer to make room, and were done only after {} \
                 (the sleeps guarantee at least {} when the queue holds them back); the queue never held more than {} of {} messages.",
                human(p.waited),
                human(p.producers_done),
                human(bound),
                common::format::count(p.high_water),
                common::format::count(sent)
            ))
            .duration("producers blocked (sum)", p.waited).as_key()
            .duration("producers done after", p.producers_done)
            .count("queue high-water mark", p.high_water, "messages")
            .notice("a full bounded buffer slows the producers to the consumer's pace: the queued payload stays bounded")
        }
        Queue::Unbounded => {
            let showed = delivered && p.high_water > capacity;
            config.outcome(Verdict::from(showed))
            .line(format!(
                "Nothing pushed back: the producers were done after {} while the consumer needed {}; \
                 up to {} messages waited in the queue ({} KiB of payload queued).",
                human(p.producers_done),
                human(p.total),
                p.high_water,
                queued_bytes(&p) / 1024
            ))
            .count("queue high-water mark", p.high_water, "messages").as_key()
            .duration("producers blocked (sum)", p.waited)
            .notice("an unbounded queue turns a slow consumer into a backlog: the queued payload grows with the input")
        }
    };
    Ok(outcome
        .line(format!(
            "{} of {} messages received, each exactly once: {}.",
            common::format::count(p.received),
            common::format::count(sent),
            common::format::yes_no(delivered)
        ))
        .line("Queued payload is the message count times 4 KiB, computed, not the process's measured memory.")
        .table(table)
        .count("messages received", p.received, "messages"))
}
