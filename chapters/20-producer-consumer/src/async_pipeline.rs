//! The same pipeline as tasks on one thread: `tokio::sync::mpsc`, bounded, and its backpressure.
//!
//! In async code a full bounded channel does not block a thread: `send(..).await` *suspends the
//! task* until the consumer makes room, and the runtime runs other tasks meanwhile. So
//! backpressure works as with threads (`backpressure`), at the price of a task switch instead of
//! a thread switch. `unbounded_channel`'s `send` never waits (it is not even `async`), and the
//! backlog grows in the queue.
//!
//! Two producer tasks send 100 messages each (quick) to one consumer task that sleeps 1 ms per
//! message (`tokio::time::sleep`: latency is the subject). All of it runs on a current-thread
//! runtime: one OS thread, three tasks, under `tokio::time::timeout` with the example's time
//! budget (an overrun is reported, never waited out). The run reports the queue's high-water
//! mark and the time the producers spent suspended in `send`.
//! - `bounded` (`mpsc::channel(8)`): expect the producers suspended for most of the run and done
//!   no earlier than `(sent − capacity − producers) × 1 ms` — the verdict checks that bound,
//!   which the sleeps guarantee when the channel holds the producers back (see `pressure.rs`).
//!   At most 8 messages are ever queued (the channel's own guarantee).
//! - `unbounded` (`mpsc::unbounded_channel()`): expect no waiting and a high-water mark near
//!   every message sent.
//!
//! The tests run the same pipeline under tokio's paused clock, so its sleeps take no real time.
//!
//! Run: `cargo run -p chapter-20 -- run async [--variant unbounded]`. The book's asyncio
//! chapters (9–11) have no producer–consumer queue; this is `bounded_buffer`'s pipeline, async.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict};
use tokio::sync::mpsc;
use tokio::time::Instant;

pub use crate::pressure::{Pressure, Settings};

common::variants! {
    /// Which tokio channel the tasks share.
    pub enum Channel {
        /// `mpsc::channel(8)`: a full channel suspends the sending task.
        Bounded = "bounded": "tokio mpsc::channel(8)",
        /// `mpsc::unbounded_channel()`: sending never waits.
        Unbounded = "unbounded": "tokio mpsc::unbounded_channel()",
    }
}

/// One sending end, bounded or not.
#[derive(Clone)]
enum Tx {
    Bounded(mpsc::Sender<u64>),
    Unbounded(mpsc::UnboundedSender<u64>),
}

impl Tx {
    async fn send(&self, value: u64) {
        let sent = match self {
            // Suspends this task while the channel is full: backpressure.
            Tx::Bounded(tx) => tx.send(value).await.is_ok(),
            // Never waits.
            Tx::Unbounded(tx) => tx.send(value).is_ok(),
        };
        assert!(sent, "the consumer is alive until every sender is dropped");
    }
}

enum Rx {
    Bounded(mpsc::Receiver<u64>),
    Unbounded(mpsc::UnboundedReceiver<u64>),
}

impl Rx {
    async fn recv(&mut self) -> Option<u64> {
        match self {
            Rx::Bounded(rx) => rx.recv().await,
            Rx::Unbounded(rx) => rx.recv().await,
        }
    }
}

/// Runs the pipeline on the current runtime: producer tasks, one slow consumer task.
pub async fn pipeline(settings: Settings) -> Pressure {
    let (tx, mut rx) = match settings.capacity {
        Some(n) => {
            let (tx, rx) = mpsc::channel(n);
            (Tx::Bounded(tx), Rx::Bounded(rx))
        }
        None => {
            let (tx, rx) = mpsc::unbounded_channel();
            (Tx::Unbounded(tx), Rx::Unbounded(rx))
        }
    };
    // Queued messages: +1 right after a send, -1 right after a receive. On a current-thread
    // runtime no task runs between a send's completion and the increment, so this is exact.
    let queued = Arc::new(AtomicUsize::new(0));
    let high_water = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let total_messages = settings.sent();

    let producers: Vec<_> = (0..settings.producers as u64)
        .map(|p| {
            let (tx, queued, high_water) =
                (tx.clone(), Arc::clone(&queued), Arc::clone(&high_water));
            tokio::spawn(async move {
                let mut waited = Duration::ZERO;
                for i in 0..settings.per_producer {
                    let sending = Instant::now();
                    tx.send(p * settings.per_producer + i).await;
                    waited += sending.elapsed();
                    let now = queued.fetch_add(1, Ordering::Relaxed) + 1;
                    high_water.fetch_max(now, Ordering::Relaxed);
                }
                (waited, started.elapsed())
            })
        })
        .collect();
    drop(tx); // Once the producers' clones are gone, `recv` returns `None` after the last message.

    let consumer = {
        let queued = Arc::clone(&queued);
        tokio::spawn(async move {
            let mut seen = vec![false; total_messages as usize];
            let mut received = 0u64;
            let mut duplicates = 0u64;
            while let Some(seq) = rx.recv().await {
                queued.fetch_sub(1, Ordering::Relaxed);
                // The slow consumer: latency is what is studied.
                tokio::time::sleep(settings.consumer_delay).await;
                received += 1;
                match seen.get_mut(seq as usize) {
                    Some(flag) if !*flag => *flag = true,
                    _ => duplicates += 1,
                }
            }
            let exactly_once = duplicates == 0 && seen.iter().all(|&s| s);
            (received, exactly_once, started.elapsed())
        })
    };

    let mut waited = Duration::ZERO;
    let mut producers_done = Duration::ZERO;
    for p in producers {
        let (w, done) = p.await.expect("a producer task panicked");
        waited += w;
        producers_done = producers_done.max(done);
    }
    let (received, exactly_once, total) = consumer.await.expect("the consumer task panicked");
    Pressure {
        settings,
        high_water: high_water.load(Ordering::Relaxed),
        waited,
        producers_done,
        total,
        received,
        exactly_once,
    }
}

/// Runs one variant of the example on a current-thread runtime.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let channel = config.variant_of::<Channel>()?;
    let capacity = 8;
    let settings = Settings {
        capacity: match channel {
            Channel::Bounded => Some(capacity),
            Channel::Unbounded => None,
        },
        producers: 2,
        per_producer: config.pick(100, 500),
        consumer_delay: Duration::from_millis(1),
    };
    let sent = settings.sent();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let budget = config.budget();
    let Ok(p) = runtime.block_on(async { tokio::time::timeout(budget, pipeline(settings)).await })
    else {
        // Dropping the timed-out future drops the handles; dropping the runtime cancels the tasks.
        return Ok(config.outcome(Verdict::DidNotShow)
            .line(format!(
                "The pipeline did not finish within its budget of {}: `tokio::time::timeout` ended it.",
                human(budget)
            ))
            .count("messages sent", sent, "messages").as_key());
    };
    let delivered = p.delivered();

    let mut table = TableData::new(
        format!(
            "{} producer tasks × {} messages, one consumer task sleeping {} per message, one thread",
            settings.producers,
            common::format::count(settings.per_producer),
            human(settings.consumer_delay)
        ),
        &[
            "channel",
            "capacity",
            "high-water mark",
            "producers suspended in send (sum)",
            "producers done after",
            "consumer done after",
        ],
    );
    table.row([
        match channel {
            Channel::Bounded => "mpsc::channel",
            Channel::Unbounded => "mpsc::unbounded_channel",
        }
        .to_string(),
        settings
            .capacity
            .map_or("unbounded".to_string(), |c| c.to_string()),
        p.high_water.to_string(),
        human(p.waited),
        human(p.producers_done),
        human(p.total),
    ]);
    let outcome = match channel {
        Channel::Bounded => {
            let showed = delivered && p.held_back();
            config.outcome(Verdict::from(showed))
            .line(format!(
                "The producer tasks spent {} suspended in `send(..).await` while the one thread ran the consumer, \
                 and were done only after {} (the sleeps guarantee at least {} when the channel holds them back); \
                 at most {} messages queued.",
                human(p.waited),
                human(p.producers_done),
                human(settings.held_back_bound()),
                p.high_water
            ))
            .duration("producers suspended in send (sum)", p.waited).as_key()
            .duration("producers done after", p.producers_done)
            .count("queue high-water mark", p.high_water, "messages")
            .notice("a full tokio channel suspends the sending task, not the thread: backpressure without blocking")
        }
        Channel::Unbounded => {
            let showed = delivered && p.high_water > capacity;
            config.outcome(Verdict::from(showed))
            .line(format!(
                "`send` never waited: the producers were done after {}, and up to {} messages queued for the slow consumer.",
                human(p.producers_done),
                p.high_water
            ))
            .count("queue high-water mark", p.high_water, "messages").as_key()
            .duration("producers suspended in send (sum)", p.waited)
            .notice("unbounded_channel's send is not even async: nothing can push back")
        }
    };
    Ok(outcome
        .line(format!(
            "{} of {sent} messages received, each exactly once: {}.",
            p.received,
            if delivered { "yes" } else { "NO" }
        ))
        .table(table)
        .count("messages received", p.received, "messages"))
}
