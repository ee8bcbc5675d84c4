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
//!   `std::sync::mpsc::sync_channel` for 1:1, N:1, 1:N and N:M producers:consumers (median of
//!   three runs, `--threads N`), every run checked for exact-once delivery (count and checksum).
//!   `mpsc` has one receiver, so its consumers share it behind a `Mutex`: notice what that costs.
//!
//! Run: `cargo run --release -p chapter-20 -- run bounded-buffer [--variant compare] [--threads 4]`.
//! Mirrors the book's `queue.Queue`/`JoinableQueue` (`Chapter03/example5.py`,
//! `Chapter06/example8.py`), whose inside the book never shows.

use std::sync::Arc;
use std::sync::mpsc;

use common::sync::spawn_named;
use common::timing::{Stopwatch, median_of};
use common::{Outcome, RunConfig, TableData, Verdict};

pub use crate::buffer::BoundedBuffer;
use crate::buffer::wait;

/// What the broken take found: it woke up, did not look again, and the buffer was empty and
/// still open. (The naive code pops nothing here and hands the consumer a `None` that looks like
/// "closed": the consumer quits while items are still coming.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WokeToEmpty;

impl<T> BoundedBuffer<T> {
    /// Takes the oldest item if there is one, without waiting (the book's `get_nowait`). `None`
    /// means "empty right now", not "no more items will come".
    pub fn try_take(&self) -> Option<T> {
        let item = self.lock().items.pop_front();
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
    }

    /// BROKEN: [`BoundedBuffer::take`] with an `if` where the `while` belongs. After one wait it
    /// assumes the buffer holds an item. Returns `Err(WokeToEmpty)` where that assumption fails.
    pub fn take_with_if(&self) -> Result<Option<T>, WokeToEmpty> {
        let mut state = self.lock();
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

/// How many producers and consumers share the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Producer threads.
    pub producers: usize,
    /// Consumer threads.
    pub consumers: usize,
}

impl Shape {
    /// `producers:consumers`, e.g. `2:1`.
    pub fn label(self) -> String {
        format!("{}:{}", self.producers, self.consumers)
    }

    /// The four shapes of the throughput table for a given N: 1:1, N:1, 1:N, N:N.
    pub fn table(n: usize) -> [Shape; 4] {
        let s = |producers, consumers| Shape {
            producers,
            consumers,
        };
        [s(1, 1), s(n, 1), s(1, n), s(n, n)]
    }
}

/// The payload of message `i`: distinct values, so a checksum tells a lost message from a
/// duplicated one.
pub fn payload(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i >> 7)
}

/// The messages producer `p` of `producers` sends: every `producers`-th index from `p`.
fn share(p: usize, producers: usize, messages: u64) -> impl Iterator<Item = u64> {
    (p as u64..messages).step_by(producers.max(1))
}

/// What went in and what came out of a pipeline run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages the producers managed to put.
    pub produced: u64,
    /// Messages the consumers took.
    pub consumed: u64,
    /// Wrapping sum of the payloads put.
    pub sent_checksum: u64,
    /// Wrapping sum of the payloads taken.
    pub received_checksum: u64,
    /// Takes that woke to an empty, open buffer (only the broken `if` take can).
    pub woke_to_empty: u64,
}

impl Delivery {
    /// Every one of `messages` put and taken exactly once (count and checksum agree).
    pub fn exactly_once(&self, messages: u64) -> bool {
        let expected = (0..messages).fold(0u64, |sum, i| sum.wrapping_add(payload(i)));
        self.produced == messages
            && self.consumed == messages
            && self.sent_checksum == expected
            && self.received_checksum == expected
            && self.woke_to_empty == 0
    }

    fn add(&mut self, other: Delivery) {
        self.produced += other.produced;
        self.consumed += other.consumed;
        self.sent_checksum = self.sent_checksum.wrapping_add(other.sent_checksum);
        self.received_checksum = self.received_checksum.wrapping_add(other.received_checksum);
        self.woke_to_empty += other.woke_to_empty;
    }
}

/// Which take the consumers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The correct `while` loop ([`BoundedBuffer::take`]).
    While,
    /// The broken `if` ([`BoundedBuffer::take_with_if`]).
    If,
}

/// Runs `messages` messages from `shape.producers` producers to `shape.consumers` consumers
/// through `buffer`, then closes it: producers are joined first, then the buffer is closed, so
/// consumers drain it and end. Uses `common::sync` threads, so it runs on real threads and
/// under the model checker alike.
///
/// A consumer whose broken take woke to an empty buffer stops, and closes the buffer so that
/// everyone else ends too (no hang): the run's [`Delivery::woke_to_empty`] says it happened.
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
                let mut sent = Delivery::default();
                for i in share(p, shape.producers, messages) {
                    if buffer.put(payload(i)).is_err() {
                        break; // closed early (by a consumer that hit the bug)
                    }
                    sent.produced += 1;
                    sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
                }
                sent
            })
        })
        .collect();
    let consumers: Vec<_> = (0..shape.consumers)
        .map(|c| {
            let buffer = Arc::clone(buffer);
            spawn_named(format!("consumer {c}"), move || {
                let mut got = Delivery::default();
                loop {
                    let next = match take {
                        Take::While => Ok(buffer.take()),
                        Take::If => buffer.take_with_if(),
                    };
                    match next {
                        Ok(Some(value)) => {
                            got.consumed += 1;
                            got.received_checksum = got.received_checksum.wrapping_add(value);
                        }
                        Ok(None) => break,
                        Err(WokeToEmpty) => {
                            got.woke_to_empty += 1;
                            buffer.close();
                            break;
                        }
                    }
                }
                got
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

/// The same pipeline on `crossbeam_channel::bounded`: senders and receivers are cloned, and
/// dropping the last sender closes the channel (`recv` then returns `Err` once it is drained).
pub fn run_crossbeam_pipeline(shape: Shape, messages: u64, capacity: usize) -> Delivery {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(capacity);
    std::thread::scope(|scope| {
        let producers: Vec<_> = (0..shape.producers)
            .map(|p| {
                let tx = tx.clone();
                scope.spawn(move || {
                    let mut sent = Delivery::default();
                    for i in share(p, shape.producers, messages) {
                        tx.send(payload(i)).expect("a receiver is alive");
                        sent.produced += 1;
                        sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
                    }
                    sent
                })
            })
            .collect();
        drop(tx); // Only the producers' clones remain: when they finish, the channel closes.
        let consumers: Vec<_> = (0..shape.consumers)
            .map(|_| {
                let rx = rx.clone();
                scope.spawn(move || {
                    let mut got = Delivery::default();
                    for value in rx {
                        got.consumed += 1;
                        got.received_checksum = got.received_checksum.wrapping_add(value);
                    }
                    got
                })
            })
            .collect();
        let mut total = Delivery::default();
        for handle in producers.into_iter().chain(consumers) {
            total.add(handle.join().expect("a pipeline thread panicked"));
        }
        total
    })
}

/// The same pipeline on `std::sync::mpsc::sync_channel`. `mpsc` means *single* consumer: the
/// `Receiver` cannot be cloned, so several consumers share it behind a `Mutex` and take turns
/// even to wait. Dropping the last `SyncSender` closes it.
pub fn run_sync_channel_pipeline(shape: Shape, messages: u64, capacity: usize) -> Delivery {
    let (tx, rx) = mpsc::sync_channel::<u64>(capacity);
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| {
        let producers: Vec<_> = (0..shape.producers)
            .map(|p| {
                let tx = tx.clone();
                scope.spawn(move || {
                    let mut sent = Delivery::default();
                    for i in share(p, shape.producers, messages) {
                        tx.send(payload(i)).expect("the receiver is alive");
                        sent.produced += 1;
                        sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
                    }
                    sent
                })
            })
            .collect();
        drop(tx);
        let consumers: Vec<_> = (0..shape.consumers)
            .map(|_| {
                let rx = &rx;
                scope.spawn(move || {
                    let mut got = Delivery::default();
                    loop {
                        // The lock is held while waiting in `recv`: one consumer waits at a time.
                        let next = rx
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match next {
                            Ok(value) => {
                                got.consumed += 1;
                                got.received_checksum = got.received_checksum.wrapping_add(value);
                            }
                            Err(mpsc::RecvError) => break,
                        }
                    }
                    got
                })
            })
            .collect();
        let mut total = Delivery::default();
        for handle in producers.into_iter().chain(consumers) {
            total.add(handle.join().expect("a pipeline thread panicked"));
        }
        total
    })
}

/// The three implementations of the throughput table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The hand-made `Mutex` + `Condvar` buffer.
    Condvar,
    /// `crossbeam_channel::bounded`.
    Crossbeam,
    /// `std::sync::mpsc::sync_channel` (consumers share the receiver behind a mutex).
    SyncChannel,
}

impl Channel {
    /// All three, in table order.
    pub const ALL: [Channel; 3] = [Channel::Condvar, Channel::Crossbeam, Channel::SyncChannel];

    /// The column header.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Condvar => "Mutex+Condvar buffer",
            Channel::Crossbeam => "crossbeam bounded",
            Channel::SyncChannel => "mpsc sync_channel",
        }
    }

    /// Runs one pipeline through this channel.
    pub fn run(self, shape: Shape, messages: u64, capacity: usize) -> Delivery {
        match self {
            Channel::Condvar => run_buffer_pipeline(
                &Arc::new(BoundedBuffer::new(capacity)),
                shape,
                messages,
                Take::While,
            ),
            Channel::Crossbeam => run_crossbeam_pipeline(shape, messages, capacity),
            Channel::SyncChannel => run_sync_channel_pipeline(shape, messages, capacity),
        }
    }
}

/// One cell of the throughput table.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    /// Which channel.
    pub channel: Channel,
    /// Which shape.
    pub shape: Shape,
    /// Median messages per second.
    pub per_second: f64,
    /// Every run delivered every message exactly once.
    pub exactly_once: bool,
}

/// Measures every channel on every shape: the median of `runs` runs of `messages` messages.
pub fn measure_throughput(
    n: usize,
    messages: u64,
    capacity: usize,
    runs: usize,
) -> Vec<Throughput> {
    let mut cells = Vec::new();
    for shape in Shape::table(n) {
        for channel in Channel::ALL {
            let mut exactly_once = true;
            let median = median_of(runs, || {
                exactly_once &= channel
                    .run(shape, messages, capacity)
                    .exactly_once(messages);
            });
            cells.push(Throughput {
                channel,
                shape,
                per_second: messages as f64 / median.as_secs_f64().max(1e-9),
                exactly_once,
            });
        }
    }
    cells
}

/// Formats messages per second: `12.3 M/s`, `456 k/s`.
pub fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.1} M/s", per_second / 1e6)
    } else {
        format!("{:.0} k/s", per_second / 1e3)
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant {
        "if-not-while" => Ok(run_if_not_while(config)),
        _ => Ok(run_compare(config)),
    }
}

fn run_if_not_while(config: &RunConfig) -> Outcome {
    let shape = Shape {
        producers: 3,
        consumers: 3,
    };
    let messages = config.pick(200_000, 1_000_000);
    let watch = Stopwatch::start();
    let mut attempts = 0;
    let mut caught = None;
    // The bug needs an unlucky interleaving; a few runs of a busy pipeline nearly always have it.
    while watch.elapsed() < config.budget() && caught.is_none() {
        attempts += 1;
        let buffer = Arc::new(BoundedBuffer::new(1));
        let delivery = run_buffer_pipeline(&buffer, shape, messages, Take::If);
        if delivery.woke_to_empty > 0 {
            caught = Some(delivery);
        }
    }
    match caught {
        Some(delivery) => Outcome::new("bounded-buffer", config.variant, Verdict::Showed)
            .line(format!(
                "{} producers, {} consumers, capacity 1, {messages} messages, consumers wait with `if`.",
                shape.producers, shape.consumers
            ))
            .line(format!(
                "A consumer woke to an empty buffer that was not closed (run {attempts}, after {} messages): \
                 another consumer had taken the item it was woken for.",
                delivery.consumed
            ))
            .line("It closed the buffer to stop the run; the naive code would have taken `None` for \"closed\" and quit with items still coming.")
            .key_figure("takes that woke to an empty buffer", delivery.woke_to_empty as f64, "takes")
            .figure("messages delivered before the stop", delivery.consumed as f64, "messages")
            .figure("runs until caught", attempts as f64, "runs")
            .notice("a wake-up means \"look again\": wait in a `while` loop, never an `if`"),
        None => Outcome::new("bounded-buffer", config.variant, Verdict::DidNotShow)
            .line(format!(
                "{attempts} runs of {messages} messages and no consumer woke to an empty buffer this time \
                 (the model checker finds it every time: tests/model_check.rs)."
            ))
            .figure("runs", attempts as f64, "runs"),
    }
}

fn run_compare(config: &RunConfig) -> Outcome {
    let n = config.threads;
    let messages = config.pick(20_000, 500_000);
    let capacity = 128;
    let runs = 3;
    let cells = measure_throughput(n, messages, capacity, runs);
    let all_exact = cells.iter().all(|c| c.exactly_once);

    let mut header = vec!["producers:consumers"];
    header.extend(Channel::ALL.map(Channel::label));
    let mut table = TableData::new(
        format!(
            "Messages per second, capacity {capacity}, {messages} messages, median of {runs} runs"
        ),
        &header,
    );
    for shape in Shape::table(n) {
        let mut row = vec![shape.label()];
        for channel in Channel::ALL {
            let cell = cells
                .iter()
                .find(|c| c.channel == channel && c.shape == shape)
                .map_or("—".to_string(), |c| rate(c.per_second));
            row.push(cell);
        }
        table.row(row);
    }
    let get = |channel, shape| {
        cells
            .iter()
            .find(|c| c.channel == channel && c.shape == shape)
            .map_or(0.0, |c| c.per_second)
    };
    let nn = Shape {
        producers: n,
        consumers: n,
    };
    let mut outcome = Outcome::new(
        "bounded-buffer",
        config.variant,
        if all_exact {
            Verdict::Showed
        } else {
            Verdict::DidNotShow
        },
    )
    .line(format!(
        "Each run sends {messages} distinct messages and checks count and checksum at the end: {}.",
        if all_exact {
            "every message delivered exactly once in every run"
        } else {
            "SOME RUN LOST OR DUPLICATED A MESSAGE"
        }
    ))
    .table(table)
    .key_figure(
        format!("Mutex+Condvar buffer, {}", nn.label()),
        get(Channel::Condvar, nn),
        "messages/s",
    )
    .figure(
        format!("crossbeam bounded, {}", nn.label()),
        get(Channel::Crossbeam, nn),
        "messages/s",
    )
    .figure(
        format!("mpsc sync_channel, {}", nn.label()),
        get(Channel::SyncChannel, nn),
        "messages/s",
    )
    .notice("one lock for the whole queue is the hand-made buffer's limit; mpsc's single receiver makes its consumers queue for a lock too");
    if !config.quick {
        outcome = outcome.line(
            "Full run: numbers vary with the machine and its load; compare columns, not runs.",
        );
    }
    outcome
}
