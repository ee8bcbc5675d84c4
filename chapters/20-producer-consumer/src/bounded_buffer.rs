//! The bounded buffer: producers and consumers meet at a queue of fixed capacity. Built by hand
//! from `Mutex` + `Condvar`, then the same pipeline on `crossbeam-channel` and on
//! `std::sync::mpsc::sync_channel`, with a throughput table.
//!
//! The buffer itself (`put`, `take`, `close`) is exercise 20.1, in `solutions/e1_bounded_buffer.rs`
//! (re-exported here as [`BoundedBuffer`]). This file adds what the exercise does not: the
//! non-blocking [`BoundedBuffer::try_take`] (the book's `get_nowait`), and the broken
//! [`BoundedBuffer::take_with_if`] beside the pipeline that can use either. The two takes differ
//! in one word: the correct one waits in a `while` loop, the broken one in an `if`. With two
//! consumers, a consumer woken for an item can find that the other consumer (which never slept)
//! took it first; the `if` version does not look again and pops from an empty buffer. The
//! model checker finds that schedule (`tests/model_check.rs`), and so, usually within a few
//! thousand items, do real threads.
//!
//! Variants:
//! - `if-not-while` (broken): 3 producers, 3 consumers, capacity 1, the `if` take. Expect
//!   "consumer N woke to an empty buffer that was not closed" and the pipeline stopped early.
//! - `compare`: messages/s through the hand-made buffer, `crossbeam_channel::bounded` and
//!   `std::sync::mpsc::sync_channel` for 1:1, N:1, 1:N and N:N producers:consumers (median of
//!   three runs, `--threads N`), every run checked for exact-once delivery (count and checksum).
//!   `mpsc` has one receiver, so its consumers share it behind a `Mutex`: notice what that costs.
//!   At full size (no `--quick`) it also runs 2N:1, 1:2N and 2N:2N, and attaches the chart
//!   `chapter-20-throughput-by-shape` (one line per channel) that `cargo xtask bench` draws
//!   (the table and the chart are laid out in [`throughput`]).
//!
//! One pipeline serves all three queues: producers and consumers see a queue only through its
//! two ends, [`PutEnd`] and [`TakeEnd`], which each queue implements. The ends are two traits,
//! not one, because a channel's are two types: a `Sender` cannot take, and dropping the last
//! one is what closes the channel, so a channel's producers must hold only senders and its
//! consumers only receivers. The hand-made buffer has one type for both, and must be closed
//! explicitly.
//!
//! Every run of the examples is on real threads under the watchdog ([`watched_pipeline`]): each
//! message counts as progress, and a stall (500 ms without any) or the time budget ends the run,
//! closes the queue so no thread stays blocked, and is reported as not finished.
//! [`run_buffer_pipeline`] is the same producers and consumers on `common::sync` threads,
//! joined, for the model checker.
//!
//! Run: `cargo run --release -p chapter-20 -- run bounded-buffer [--variant compare] [--threads 4]`.
//! Mirrors the book's `queue.Queue`/`JoinableQueue` (`Chapter03/example5.py`,
//! `Chapter06/example8.py`), whose inside the book never shows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::sync::{lock, spawn_named};
use common::timing::{Stopwatch, human};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

pub use crate::buffer::BoundedBuffer;
use crate::buffer::wait;

mod delivery;
pub mod throughput;
pub use delivery::{Delivery, Run, Shape, payload};
pub use throughput::{Channel, Throughput, measure_throughput, rate, throughput_plot};

common::variants! {
    /// The example's variants: the broken take caught in the act, and the three queues timed.
    pub enum Lesson {
        /// Consumers wait with [`BoundedBuffer::take_with_if`].
        IfNotWhile = "if-not-while": "consumers wait with `if` instead of `while`: one wakes to an empty buffer",
        /// The same pipeline through each [`Channel`], on each [`Shape`].
        Compare = "compare": "messages/s for 1:1, N:1, 1:N, N:N through the hand-made buffer, crossbeam and sync_channel",
    }
}

/// What the broken take found: it woke up, did not look again, and the buffer was empty and
/// still open. (The naive code pops nothing here and hands the consumer a `None` that looks like
/// "closed": the consumer quits while items are still coming.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WokeToEmpty;

impl<T> BoundedBuffer<T> {
    /// Takes the oldest item if there is one, without waiting (the book's `get_nowait`). `None`
    /// means "empty right now", not "no more items will come".
    pub fn try_take(&self) -> Option<T> {
        let item = lock(&self.state).items.pop_front();
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
    }

    /// BROKEN: [`BoundedBuffer::take`] with an `if` where the `while` belongs. After one wait it
    /// assumes the buffer holds an item. Returns `Err(WokeToEmpty)` where that assumption fails.
    pub fn take_with_if(&self) -> Result<Option<T>, WokeToEmpty> {
        let mut state = lock(&self.state);
        if state.items.is_empty() && !state.closed {
            // Woken for an item — but between the notify and this thread getting the lock back,
            // another consumer may have taken it. The `while` loop would look again; this does not.
            state = wait(&self.not_empty, state);
        }
        let item = state.items.pop_front();
        let closed = state.closed;
        drop(state);
        match item {
            Some(item) => {
                self.not_full.notify_one();
                Ok(Some(item))
            }
            None if closed => Ok(None),
            None => Err(WokeToEmpty),
        }
    }
}

/// The end of a queue a producer puts into; each producer thread holds its own clone.
pub trait PutEnd: Clone + Send + 'static {
    /// Waits while the queue is full, then puts `item`; gives it back if no consumer will ever
    /// take it (the queue was closed, or every consumer's end is gone).
    fn put(&self, item: u64) -> Result<(), u64>;

    /// Says no more items will come, waking every waiting thread. A channel closes itself when
    /// its last sender is dropped, so by default there is nothing to do.
    fn close(&self) {}
}

/// The end of a queue a consumer takes from; each consumer thread holds its own clone.
pub trait TakeEnd: Clone + Send + 'static {
    /// Waits while the queue is empty; `Ok(None)` once no more items will come and it is
    /// drained. `Err(WokeToEmpty)` only from the broken `if` take.
    fn take(&self) -> Result<Option<u64>, WokeToEmpty>;

    /// Stops the pipeline from the consumers' side. A channel notices when every receiver is
    /// dropped, so by default there is nothing to do.
    fn close(&self) {}
}

impl PutEnd for Arc<BoundedBuffer<u64>> {
    fn put(&self, item: u64) -> Result<(), u64> {
        BoundedBuffer::put(self, item)
    }

    fn close(&self) {
        BoundedBuffer::close(self);
    }
}

/// Which take the consumers of the hand-made buffer use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The correct `while` loop ([`BoundedBuffer::take`]).
    While,
    /// The broken `if` ([`BoundedBuffer::take_with_if`]).
    If,
}

/// A consumer's end of the hand-made buffer: the buffer, and the take it waits with.
#[derive(Debug, Clone)]
pub struct Taker {
    /// The shared buffer.
    pub buffer: Arc<BoundedBuffer<u64>>,
    /// How it waits for an item.
    pub take: Take,
}

impl TakeEnd for Taker {
    fn take(&self) -> Result<Option<u64>, WokeToEmpty> {
        match self.take {
            Take::While => Ok(self.buffer.take()),
            Take::If => self.buffer.take_with_if(),
        }
    }

    fn close(&self) {
        self.buffer.close();
    }
}

/// Producer `p`'s part of a pipeline: puts its share of the messages (every
/// `shape.producers`-th from `p`), reporting each put to `ctx`. Stops early if the queue is
/// closed (by a consumer that hit the bug), or if the watchdog asks, in which case it closes the
/// queue so that nobody waits for it.
pub fn produce_share(
    end: &impl PutEnd,
    p: usize,
    shape: Shape,
    messages: u64,
    ctx: &WorkerCtx,
) -> Delivery {
    let mut sent = Delivery::default();
    for i in (p as u64..messages).step_by(shape.producers.max(1)) {
        if ctx.should_stop() {
            end.close();
            break;
        }
        if end.put(payload(i)).is_err() {
            break; // closed early
        }
        sent.produced += 1;
        sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
        ctx.progress();
    }
    sent
}

/// A consumer: takes until the queue says no more, reporting each take to `ctx`. A broken take
/// that woke to an empty buffer stops and closes the buffer, so everyone else ends too (no
/// hang); so does a consumer the watchdog asks to stop.
pub fn consume_all(end: &impl TakeEnd, ctx: &WorkerCtx) -> Delivery {
    let mut got = Delivery::default();
    loop {
        if ctx.should_stop() {
            end.close();
            break;
        }
        match end.take() {
            Ok(Some(value)) => {
                got.consumed += 1;
                got.received_checksum = got.received_checksum.wrapping_add(value);
                ctx.progress();
            }
            Ok(None) => break,
            Err(WokeToEmpty) => {
                got.woke_to_empty += 1;
                end.close();
                break;
            }
        }
    }
    got
}

/// Runs `messages` messages from `shape.producers` producers to `shape.consumers` consumers
/// through `buffer`, then closes it: producers are joined first, then the buffer is closed, so
/// consumers drain it and end. Uses `common::sync` threads and joins them, so it runs under the
/// model checker (which explores every way it could hang); real runs use [`watched_pipeline`].
pub fn run_buffer_pipeline(
    buffer: &Arc<BoundedBuffer<u64>>,
    shape: Shape,
    messages: u64,
    take: Take,
) -> Delivery {
    let producers: Vec<_> = (0..shape.producers)
        .map(|p| {
            let buffer = Arc::clone(buffer);
            spawn_named(format!("producer {p}"), move || {
                produce_share(&buffer, p, shape, messages, &WorkerCtx::detached())
            })
        })
        .collect();
    let consumers: Vec<_> = (0..shape.consumers)
        .map(|c| {
            let end = Taker {
                buffer: Arc::clone(buffer),
                take,
            };
            spawn_named(format!("consumer {c}"), move || {
                consume_all(&end, &WorkerCtx::detached())
            })
        })
        .collect();
    let mut total = Delivery::default();
    for p in producers {
        total.add(p.join().expect("a producer panicked"));
    }
    buffer.close();
    for c in consumers {
        total.add(c.join().expect("a consumer panicked"));
    }
    total
}

/// The pipeline on real threads under the watchdog, through any queue: each producer puts its
/// share through its own clone of `put`, each consumer takes through its own clone of `take`,
/// every message is progress, and the last producer to finish closes the queue. A stall of
/// 500 ms or the `deadline` ends the run and calls `release` to free any thread still blocked,
/// and the run is reported in [`Run::unfinished`].
pub fn watched_pipeline(
    put: impl PutEnd,
    take: impl TakeEnd,
    shape: Shape,
    messages: u64,
    deadline: Duration,
    release: impl FnOnce(),
) -> Run {
    let producing = Arc::new(AtomicUsize::new(shape.producers));
    let mut workers = Vec::new();
    for p in 0..shape.producers {
        let (end, producing) = (put.clone(), Arc::clone(&producing));
        workers.push(worker(format!("producer {p}"), move |ctx: &WorkerCtx| {
            let sent = produce_share(&end, p, shape, messages, ctx);
            if producing.fetch_sub(1, Ordering::AcqRel) == 1 {
                end.close(); // the last producer: no more messages will come
            }
            (sent, Instant::now())
        }));
    }
    for c in 0..shape.consumers {
        let end = take.clone();
        workers.push(worker(format!("consumer {c}"), move |ctx: &WorkerCtx| {
            (consume_all(&end, ctx), Instant::now())
        }));
    }
    // Only the threads' clones remain: a channel closes when the producers' are gone, and its
    // producers are freed when the consumers' are.
    drop((put, take));

    let started = Instant::now();
    let report = Watchdog::new(deadline)
        .stall_after(Duration::from_millis(500).min(deadline))
        .run(workers);
    if report.ending != Ending::Finished {
        release();
    }
    Run::of(&report, started)
}

/// [`watched_pipeline`] through the hand-made `buffer`, its consumers waiting with `take`; a run
/// the watchdog ends closes the buffer.
pub fn watched_buffer_pipeline(
    buffer: &Arc<BoundedBuffer<u64>>,
    shape: Shape,
    messages: u64,
    take: Take,
    deadline: Duration,
) -> Run {
    let end = Taker {
        buffer: Arc::clone(buffer),
        take,
    };
    watched_pipeline(Arc::clone(buffer), end, shape, messages, deadline, || {
        buffer.close();
    })
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    Ok(match config.variant_of::<Lesson>()? {
        Lesson::IfNotWhile => run_if_not_while(config),
        Lesson::Compare => throughput::run_compare(config),
    })
}

fn run_if_not_while(config: &RunConfig) -> Outcome {
    let shape = Shape {
        producers: 3,
        consumers: 3,
    };
    let messages = config.pick(200_000, 1_000_000);
    let budget = config.budget();
    let watch = Stopwatch::start();
    let mut attempts = 0;
    let mut caught = None;
    let mut unfinished = None;
    // The bug needs an unlucky interleaving; a few runs of a busy pipeline nearly always have it.
    // Every run is under the watchdog with what is left of the budget, so none can overrun it.
    while caught.is_none() && unfinished.is_none() {
        let left = budget.saturating_sub(watch.elapsed());
        if left.is_zero() {
            break;
        }
        attempts += 1;
        let buffer = Arc::new(BoundedBuffer::new(1));
        let run = watched_buffer_pipeline(&buffer, shape, messages, Take::If, left);
        if run.delivery.woke_to_empty > 0 {
            caught = Some(run.delivery);
        } else if run.unfinished.is_some() {
            unfinished = run.unfinished;
        }
    }
    match caught {
        Some(delivery) => config.outcome(Verdict::Showed)
            .line(format!(
                "{} producers, {} consumers, capacity 1, {} messages, consumers wait with `if`.",
                shape.producers,
                shape.consumers,
                common::format::count(messages)
            ))
            .line(format!(
                "A consumer woke to an empty buffer that was not closed (run {attempts}, after {} messages): \
                 another consumer had taken the item it was woken for.",
                delivery.consumed
            ))
            .line("It closed the buffer to stop the run; the naive code would have taken `None` for \"closed\" and quit with items still coming.")
            .count("takes that woke to an empty buffer", delivery.woke_to_empty, "takes").as_key()
            .count("messages delivered before the stop", delivery.consumed, "messages")
            .count("runs until caught", attempts, "runs")
            .notice("a wake-up means \"look again\": wait in a `while` loop, never an `if`"),
        None => config.outcome(Verdict::DidNotShow)
            .line(match unfinished {
                Some(why) => format!("Run {attempts} was ended by the watchdog before the bug showed: {why}."),
                None => format!(
                    "{attempts} runs of {messages} messages within the budget of {} and no consumer woke to an \
                     empty buffer this time (the model checker finds it every time: tests/model_check.rs).",
                    human(budget)
                ),
            })
            .count("runs", attempts, "runs"),
    }
}
