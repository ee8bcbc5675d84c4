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
//!   `chapter-20-throughput-by-shape` (one line per channel) that `cargo xtask bench` draws.
//!
//! Every run of the examples is on real threads under the watchdog (`watched_buffer_pipeline`
//! and the channel pipelines): each message counts as progress, and a stall (500 ms without
//! any) or the time budget ends the run, closes the queue so no thread stays blocked, and is
//! reported as not finished. `run_buffer_pipeline` is the same pipeline on `common::sync`
//! threads, joined, for the model checker.
//!
//! Run: `cargo run --release -p chapter-20 -- run bounded-buffer [--variant compare] [--threads 4]`.
//! Mirrors the book's `queue.Queue`/`JoinableQueue` (`Chapter03/example5.py`,
//! `Chapter06/example8.py`), whose inside the book never shows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::sync::{lock, spawn_named};
use common::timing::{Stopwatch, human};
use common::watchdog::{Ending, Watchdog, Worker, WorkerCtx, worker};
use common::{Outcome, Plot, RunConfig, TableData, Verdict};

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

    /// The full-size sweep: the table's four shapes, then 2N:1, 1:2N and 2N:2N — with the
    /// default N = 2 on a two-core machine, more threads than cores — in order of the threads
    /// they run (1:1, 2:1, 1:2, 2:2, 4:1, 1:4, 4:4).
    pub fn sweep(n: usize) -> Vec<Shape> {
        let s = |producers, consumers| Shape {
            producers,
            consumers,
        };
        let mut shapes = Shape::table(n).to_vec();
        shapes.extend([s(2 * n, 1), s(1, 2 * n), s(2 * n, 2 * n)]);
        shapes
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

/// Producer `p`'s part of a pipeline: puts its share of the messages, reporting each put to
/// `ctx`. Stops early if the buffer is closed (by a consumer that hit the bug), or if the
/// watchdog asks, in which case it closes the buffer so that nobody waits for it.
pub fn produce_share(
    buffer: &BoundedBuffer<u64>,
    p: usize,
    shape: Shape,
    messages: u64,
    ctx: &WorkerCtx,
) -> Delivery {
    let mut sent = Delivery::default();
    for i in share(p, shape.producers, messages) {
        if ctx.should_stop() {
            buffer.close();
            break;
        }
        if buffer.put(payload(i)).is_err() {
            break; // closed early
        }
        sent.produced += 1;
        sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
        ctx.progress();
    }
    sent
}

/// A consumer: takes until the buffer is closed and drained, reporting each take to `ctx`. A
/// broken take that woke to an empty buffer stops and closes the buffer, so everyone else ends
/// too (no hang); so does a consumer the watchdog asks to stop.
pub fn consume_all(buffer: &BoundedBuffer<u64>, take: Take, ctx: &WorkerCtx) -> Delivery {
    let mut got = Delivery::default();
    loop {
        if ctx.should_stop() {
            buffer.close();
            break;
        }
        let next = match take {
            Take::While => Ok(buffer.take()),
            Take::If => buffer.take_with_if(),
        };
        match next {
            Ok(Some(value)) => {
                got.consumed += 1;
                got.received_checksum = got.received_checksum.wrapping_add(value);
                ctx.progress();
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
}

/// Runs `messages` messages from `shape.producers` producers to `shape.consumers` consumers
/// through `buffer`, then closes it: producers are joined first, then the buffer is closed, so
/// consumers drain it and end. Uses `common::sync` threads and joins them, so it runs under the
/// model checker (which explores every way it could hang); real runs use [`watched_buffer_pipeline`].
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
            let buffer = Arc::clone(buffer);
            spawn_named(format!("consumer {c}"), move || {
                consume_all(&buffer, take, &WorkerCtx::detached())
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

/// One pipeline run on real threads under the watchdog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// What went in and came out (of the threads that returned).
    pub delivery: Delivery,
    /// From the start until the last thread returned.
    pub took: Duration,
    /// `None` if every thread returned; else why the watchdog ended the run, and each thread's
    /// state (a stall, the deadline, a panic).
    pub unfinished: Option<String>,
}

/// What a pipeline thread returns: its part of the delivery, and when it finished.
type Part = (Delivery, Instant);

/// Runs pipeline threads under a watchdog with `deadline` (a stall of 500 ms ends it earlier);
/// `release` is called if the run did not finish, to free any thread still blocked (closing the
/// buffer), so no thread is left waiting for ever.
fn watch(workers: Vec<Worker<Part>>, deadline: Duration, release: impl FnOnce()) -> Run {
    let started = Instant::now();
    let report = Watchdog::new(deadline)
        .stall_after(Duration::from_millis(500).min(deadline))
        .run(workers);
    let mut delivery = Delivery::default();
    let mut last = started;
    for (part, finished) in report.results().into_iter().flatten() {
        delivery.add(*part);
        last = last.max(*finished);
    }
    let panics = report.panics();
    let unfinished = if report.ending != Ending::Finished {
        release();
        Some(format!(
            "{}: {}",
            report.describe_ending(),
            report.thread_lines().join("; ")
        ))
    } else if !panics.is_empty() {
        Some(format!("a pipeline thread panicked: {}", panics.join("; ")))
    } else {
        None
    };
    Run {
        delivery,
        took: last.duration_since(started),
        unfinished,
    }
}

/// [`run_buffer_pipeline`] on real threads under the watchdog: the same producers and consumers,
/// each reporting every message as progress; the last producer to finish closes the buffer. A
/// stall or the deadline ends the run, closes the buffer and is reported in [`Run::unfinished`].
pub fn watched_buffer_pipeline(
    buffer: &Arc<BoundedBuffer<u64>>,
    shape: Shape,
    messages: u64,
    take: Take,
    deadline: Duration,
) -> Run {
    let producing = Arc::new(AtomicUsize::new(shape.producers));
    let mut workers = Vec::new();
    for p in 0..shape.producers {
        let (buffer, producing) = (Arc::clone(buffer), Arc::clone(&producing));
        workers.push(worker(format!("producer {p}"), move |ctx: &WorkerCtx| {
            let sent = produce_share(&buffer, p, shape, messages, ctx);
            if producing.fetch_sub(1, Ordering::AcqRel) == 1 {
                buffer.close(); // the last producer: no more messages will come
            }
            (sent, Instant::now())
        }));
    }
    for c in 0..shape.consumers {
        let buffer = Arc::clone(buffer);
        workers.push(worker(format!("consumer {c}"), move |ctx: &WorkerCtx| {
            (consume_all(&buffer, take, ctx), Instant::now())
        }));
    }
    watch(workers, deadline, || buffer.close())
}

/// The same pipeline on `crossbeam_channel::bounded`, under the watchdog: senders and receivers
/// are cloned, and dropping the last sender closes the channel (`recv` then returns `Err` once it
/// is drained). A thread that stops early drops its end, which frees the other side.
pub fn run_crossbeam_pipeline(
    shape: Shape,
    messages: u64,
    capacity: usize,
    deadline: Duration,
) -> Run {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(capacity);
    let mut workers = Vec::new();
    for p in 0..shape.producers {
        let tx = tx.clone();
        workers.push(worker(format!("producer {p}"), move |ctx: &WorkerCtx| {
            let mut sent = Delivery::default();
            for i in share(p, shape.producers, messages) {
                if ctx.should_stop() || tx.send(payload(i)).is_err() {
                    break;
                }
                sent.produced += 1;
                sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
                ctx.progress();
            }
            (sent, Instant::now())
        }));
    }
    drop(tx); // Only the producers' clones remain: when they finish, the channel closes.
    for c in 0..shape.consumers {
        let rx = rx.clone();
        workers.push(worker(format!("consumer {c}"), move |ctx: &WorkerCtx| {
            let mut got = Delivery::default();
            while !ctx.should_stop() {
                let Ok(value) = rx.recv() else { break };
                got.consumed += 1;
                got.received_checksum = got.received_checksum.wrapping_add(value);
                ctx.progress();
            }
            (got, Instant::now())
        }));
    }
    drop(rx);
    watch(workers, deadline, || {})
}

/// The same pipeline on `std::sync::mpsc::sync_channel`, under the watchdog. `mpsc` means
/// *single* consumer: the `Receiver` cannot be cloned, so several consumers share it behind a
/// `Mutex` and take turns even to wait. Dropping the last `SyncSender` closes it.
pub fn run_sync_channel_pipeline(
    shape: Shape,
    messages: u64,
    capacity: usize,
    deadline: Duration,
) -> Run {
    let (tx, rx) = mpsc::sync_channel::<u64>(capacity);
    // A std mutex: these are real threads in every build, model checker or not.
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let mut workers = Vec::new();
    for p in 0..shape.producers {
        let tx = tx.clone();
        workers.push(worker(format!("producer {p}"), move |ctx: &WorkerCtx| {
            let mut sent = Delivery::default();
            for i in share(p, shape.producers, messages) {
                if ctx.should_stop() || tx.send(payload(i)).is_err() {
                    break;
                }
                sent.produced += 1;
                sent.sent_checksum = sent.sent_checksum.wrapping_add(payload(i));
                ctx.progress();
            }
            (sent, Instant::now())
        }));
    }
    drop(tx);
    for c in 0..shape.consumers {
        let rx = Arc::clone(&rx);
        workers.push(worker(format!("consumer {c}"), move |ctx: &WorkerCtx| {
            let mut got = Delivery::default();
            while !ctx.should_stop() {
                // The lock is held while waiting in `recv`: one consumer waits at a time.
                let next = rx
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .recv();
                let Ok(value) = next else { break };
                got.consumed += 1;
                got.received_checksum = got.received_checksum.wrapping_add(value);
                ctx.progress();
            }
            (got, Instant::now())
        }));
    }
    drop(rx);
    watch(workers, deadline, || {})
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

    /// Runs one pipeline through this channel, on real threads under the watchdog.
    pub fn run(self, shape: Shape, messages: u64, capacity: usize, deadline: Duration) -> Run {
        match self {
            Channel::Condvar => watched_buffer_pipeline(
                &Arc::new(BoundedBuffer::new(capacity)),
                shape,
                messages,
                Take::While,
                deadline,
            ),
            Channel::Crossbeam => run_crossbeam_pipeline(shape, messages, capacity, deadline),
            Channel::SyncChannel => run_sync_channel_pipeline(shape, messages, capacity, deadline),
        }
    }
}

/// One cell of the throughput table.
#[derive(Debug, Clone)]
pub struct Throughput {
    /// Which channel.
    pub channel: Channel,
    /// Which shape.
    pub shape: Shape,
    /// Median messages per second (0 if no run finished).
    pub per_second: f64,
    /// Every run finished and delivered every message exactly once.
    pub exactly_once: bool,
    /// Why a run did not finish (a stall, the deadline, the budget spent), if one did not.
    pub unfinished: Option<String>,
}

/// Measures every channel on every one of `shapes`: the median of `runs` runs of `messages`
/// messages, every run under the watchdog, all of them within `budget` (cells the budget does
/// not reach are reported as unfinished, never waited for).
pub fn measure_throughput(
    shapes: &[Shape],
    messages: u64,
    capacity: usize,
    runs: usize,
    budget: Duration,
) -> Vec<Throughput> {
    let watch = Stopwatch::start();
    let mut cells = Vec::new();
    for &shape in shapes {
        for channel in Channel::ALL {
            let mut times = Vec::new();
            let mut exactly_once = true;
            let mut unfinished = None;
            for _ in 0..runs.max(1) {
                let left = budget.saturating_sub(watch.elapsed());
                if left.is_zero() {
                    unfinished = Some(format!(
                        "the example's budget of {} was spent",
                        human(budget)
                    ));
                    break;
                }
                let run = channel.run(shape, messages, capacity, left);
                exactly_once &= run.delivery.exactly_once(messages);
                if run.unfinished.is_some() {
                    unfinished = run.unfinished;
                    break;
                }
                times.push(run.took);
            }
            times.sort();
            let median = times.get(times.len() / 2).copied();
            cells.push(Throughput {
                channel,
                shape,
                per_second: median.map_or(0.0, |m| messages as f64 / m.as_secs_f64().max(1e-9)),
                exactly_once: exactly_once && unfinished.is_none(),
                unfinished,
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
        None => config.outcome(Verdict::DidNotShow)
            .line(match unfinished {
                Some(why) => format!("Run {attempts} was ended by the watchdog before the bug showed: {why}."),
                None => format!(
                    "{attempts} runs of {messages} messages within the budget of {} and no consumer woke to an \
                     empty buffer this time (the model checker finds it every time: tests/model_check.rs).",
                    human(budget)
                ),
            })
            .figure("runs", attempts as f64, "runs"),
    }
}

/// The throughput chart for `cargo xtask bench`: one line per channel across `shapes`, in
/// millions of messages per second. A cell that did not finish has no point (the verdict
/// already says so).
pub fn throughput_plot(
    cells: &[Throughput],
    shapes: &[Shape],
    messages: u64,
    capacity: usize,
    runs: usize,
) -> Plot {
    let mut plot = Plot::new(
        "chapter-20-throughput-by-shape",
        format!(
            "Throughput by shape (capacity {capacity}, {} messages, median of {runs})",
            common::report::format_value(messages as f64)
        ),
        "producers:consumers",
        "throughput (million messages/s)",
    )
    .categories(shapes.iter().map(|s| s.label()));
    for channel in Channel::ALL {
        let points = shapes
            .iter()
            .enumerate()
            .filter_map(|(x, &shape)| {
                let cell = cells
                    .iter()
                    .find(|c| c.channel == channel && c.shape == shape)?;
                cell.unfinished
                    .is_none()
                    .then_some((x as f64, cell.per_second / 1e6))
            })
            .collect();
        plot = plot.measured(channel.label(), points);
    }
    plot
}

fn run_compare(config: &RunConfig) -> Outcome {
    let n = config.threads;
    // The tour: the table's four shapes; full size (`cargo xtask bench`): three more, with more
    // threads than this machine has cores.
    let shapes = if config.quick {
        Shape::table(n).to_vec()
    } else {
        Shape::sweep(n)
    };
    let messages = config.pick(20_000, 200_000);
    let capacity = 128;
    let runs = 3;
    // 36 timed runs quick, a fifth of a second in all on an idle machine, but several seconds
    // when other programs compete for the cores: a generous cap (a minute for the 63 full-size
    // runs). A hang is caught sooner, by the watchdog's 500 ms stall check.
    let budget = config.pick(Duration::from_secs(10), Duration::from_secs(60));
    let cells = measure_throughput(&shapes, messages, capacity, runs, budget);
    let all_exact = cells.iter().all(|c| c.exactly_once);
    let unfinished: Vec<String> = cells
        .iter()
        .filter_map(|c| {
            let why = c.unfinished.as_ref()?;
            Some(format!("{} {}: {why}", c.channel.label(), c.shape.label()))
        })
        .collect();

    let mut header = vec!["producers:consumers"];
    header.extend(Channel::ALL.map(Channel::label));
    let mut table = TableData::new(
        format!(
            "Messages per second, capacity {capacity}, {messages} messages, median of {runs} runs"
        ),
        &header,
    );
    for &shape in &shapes {
        let mut row = vec![shape.label()];
        for channel in Channel::ALL {
            let cell = cells
                .iter()
                .find(|c| c.channel == channel && c.shape == shape)
                .map_or("—".to_string(), |c| match c.unfinished {
                    Some(_) => "not finished".to_string(),
                    None => rate(c.per_second),
                });
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
    let mut outcome = config.outcome(Verdict::from(all_exact))
    .line(format!(
        "Each run sends {messages} distinct messages and checks count and checksum at the end: {}.",
        if all_exact {
            "every message delivered exactly once in every run"
        } else {
            "SOME RUN LOST OR DUPLICATED A MESSAGE, OR DID NOT FINISH"
        }
    ))
    .line(format!(
        "Every run is on real threads under the watchdog, all within the budget of {}.",
        human(budget)
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
    .plot(throughput_plot(&cells, &shapes, messages, capacity, runs))
    .notice("one lock for the whole queue is the hand-made buffer's limit; mpsc's single receiver makes its consumers queue for a lock too");
    for why in unfinished {
        outcome = outcome.line(format!("Not finished: {why}."));
    }
    if !config.quick {
        outcome = outcome.line(
            "Full run: numbers vary with the machine and its load; compare columns, not runs.",
        );
    }
    outcome
}
