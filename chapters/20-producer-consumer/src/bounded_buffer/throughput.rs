//! The `compare` variant: the two channels the hand-made buffer is timed against, their ends,
//! the throughput table, its chart for `cargo xtask bench`, and the outcome that says whether
//! every run delivered every message exactly once.
//!
//! Not a concept of its own: [`super`] is the lesson (one pipeline, any queue); this only
//! plugs `crossbeam_channel` and `mpsc::sync_channel` into that pipeline (a channel's ends
//! are its `Sender` and `Receiver`, and dropping the last sender closes it, so their `close`
//! does nothing), times it through each [`Channel`] on each [`Shape`] and lays the numbers out.

use std::sync::{Arc, mpsc};
use std::time::Duration;

use common::timing::{Spread, Stopwatch, human};
use common::{Outcome, Plot, RunConfig, TableData, Verdict};

use super::{
    BoundedBuffer, PutEnd, Run, Shape, Take, TakeEnd, WokeToEmpty, watched_buffer_pipeline,
    watched_pipeline,
};

impl PutEnd for crossbeam_channel::Sender<u64> {
    fn put(&self, item: u64) -> Result<(), u64> {
        self.send(item).map_err(|e| e.into_inner())
    }
}

impl TakeEnd for crossbeam_channel::Receiver<u64> {
    fn take(&self) -> Result<Option<u64>, WokeToEmpty> {
        Ok(self.recv().ok())
    }
}

impl PutEnd for mpsc::SyncSender<u64> {
    fn put(&self, item: u64) -> Result<(), u64> {
        self.send(item).map_err(|e| e.0)
    }
}

/// `mpsc` means *single* consumer: the `Receiver` cannot be cloned, so several consumers share
/// it behind a `Mutex` and take turns even to wait. (A std mutex: these are real threads in
/// every build, model checker or not.)
impl TakeEnd for Arc<std::sync::Mutex<mpsc::Receiver<u64>>> {
    fn take(&self) -> Result<Option<u64>, WokeToEmpty> {
        // The lock is held while waiting in `recv`: one consumer waits at a time.
        let rx = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(rx.recv().ok())
    }
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

    /// Runs one pipeline through this channel, on real threads under the watchdog. A channel
    /// needs no release: a thread the watchdog stops drops its end, which frees the other side.
    pub fn run(self, shape: Shape, messages: u64, capacity: usize, deadline: Duration) -> Run {
        match self {
            Channel::Condvar => watched_buffer_pipeline(
                &Arc::new(BoundedBuffer::new(capacity)),
                shape,
                messages,
                Take::While,
                deadline,
            ),
            Channel::Crossbeam => {
                let (tx, rx) = crossbeam_channel::bounded(capacity);
                watched_pipeline(tx, rx, shape, messages, deadline, || {})
            }
            Channel::SyncChannel => {
                let (tx, rx) = mpsc::sync_channel(capacity);
                let rx = Arc::new(std::sync::Mutex::new(rx));
                watched_pipeline(tx, rx, shape, messages, deadline, || {})
            }
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
    /// Messages per second of the slowest and the fastest run (0 if no run finished).
    pub range: (f64, f64),
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
            let spread = Spread::of(times);
            let finished = spread.runs > 0;
            cells.push(Throughput {
                channel,
                shape,
                per_second: if finished {
                    messages as f64 / spread.median.as_secs_f64().max(1e-9)
                } else {
                    0.0
                },
                range: if finished {
                    spread.rates(messages as f64)
                } else {
                    (0.0, 0.0)
                },
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

/// The throughput chart for `cargo xtask bench`: the shapes are categories, so a group of bars
/// a shape and a bar a channel, in millions of messages per second, each with the spread of its
/// `runs`. A cell that did not finish has no bar (the verdict already says so).
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
            "Throughput by shape (capacity {capacity}, {} messages)",
            common::format::count(messages)
        ),
        "producers:consumers",
        "throughput (million messages/s)",
    )
    .categories(shapes.iter().map(|s| s.label()))
    .subtitle(format!(
        "each bar the median of {runs} runs, its error bar the slowest to the fastest; more \
         threads than the {} cores take turns on them",
        std::thread::available_parallelism().map_or(1, usize::from)
    ));
    for channel in Channel::ALL {
        let (points, spread): (Vec<_>, Vec<_>) = shapes
            .iter()
            .enumerate()
            .filter_map(|(x, &shape)| {
                let cell = cells
                    .iter()
                    .find(|c| c.channel == channel && c.shape == shape)?;
                let (slowest, fastest) = cell.range;
                cell.unfinished.is_none().then_some((
                    (x as f64, cell.per_second / 1e6),
                    (slowest / 1e6, fastest / 1e6),
                ))
            })
            .unzip();
        let words = format!("slowest to fastest of {runs} runs");
        plot = plot.measured_with_spread(channel.label(), points, spread, words);
    }
    plot
}

/// The `compare` variant: every channel on every shape, timed, every run checked for
/// exact-once delivery.
pub(super) fn run_compare(config: &RunConfig) -> Outcome {
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
            "Messages per second, capacity {capacity}, {} messages, median of {runs} runs",
            common::format::count(messages)
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
        "Each run sends {} distinct messages and checks count and checksum at the end: {}.",
        common::format::count(messages),
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
