//! Concurrency is not parallelism: two tasks taking turns on one thread vs running on two cores.
//!
//! The book's first chapter separates the two ideas: *concurrent* tasks are in progress at the
//! same time (they may take turns on one core); *parallel* tasks execute at the same instant (on
//! different cores). Here two CPU-bound tasks (each counts primes in its own range) are written
//! as step functions: each call does one slice of the work and returns whether more is left.
//!
//! - `interleaved`: one thread calls A's step, then B's, then A's, ... — cooperative multitasking
//!   by hand. Both tasks are in progress the whole time, yet never at the same instant: the
//!   total is the sum of their work.
//! - `parallel`: each task on its own thread, free to run on its own core: on two or more cores
//!   the slices overlap in time and the total falls to about the longer task.
//!
//! The output has a text Gantt chart of which task ran when: `A` or `B` where that task's slice
//! covered that stretch of the run, `.` where it did not.
//!
//! Run: `cargo run --release -p chapter-1 -- run concurrent-vs-parallel --variant parallel`.

use std::time::{Duration, Instant};

use common::format;
use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, Verdict};

use crate::primes::is_prime;

common::variants! {
    /// How the two tasks run.
    pub enum Running {
        /// One thread, the tasks' steps taking turns.
        Interleaved = "interleaved": "one thread, step functions taking turns: concurrent, not parallel",
        /// A thread each.
        Parallel = "parallel": "a thread each: both execute at the same instant",
    }
}

/// A task as a step function: a range of numbers to test, worked through a slice at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    next: u64,
    end: u64,
    slice: u64,
    /// Primes found so far.
    pub primes: u64,
}

impl Task {
    /// A task that tests `start..end`, `slice` numbers per step.
    pub fn new(start: u64, end: u64, slice: u64) -> Self {
        Self {
            next: start,
            end,
            slice: slice.max(1),
            primes: 0,
        }
    }

    /// Does one slice of the work; returns `true` while work is left.
    pub fn step(&mut self) -> bool {
        let stop = (self.next + self.slice).min(self.end);
        self.primes += (self.next..stop).filter(|&n| is_prime(n)).count() as u64;
        self.next = stop;
        self.next < self.end
    }

    /// True once every number has been tested.
    pub fn done(&self) -> bool {
        self.next >= self.end
    }
}

/// One slice on the timeline: which task (0 = A, 1 = B), when it started and ended.
pub type Slice = (usize, Duration, Duration);

/// What a run did: the primes each task found, its slices, and the total time.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Primes found by A and by B.
    pub primes: [u64; 2],
    /// Every slice, in the order it started.
    pub slices: Vec<Slice>,
    /// Start to finish.
    pub total: Duration,
}

impl Timeline {
    /// Time during which slices of A and B ran at the same instant.
    pub fn overlap(&self) -> Duration {
        let mut sum = Duration::ZERO;
        for a in self.slices.iter().filter(|s| s.0 == 0) {
            for b in self.slices.iter().filter(|s| s.0 == 1) {
                let from = a.1.max(b.1);
                let to = a.2.min(b.2);
                sum += to.saturating_sub(from);
            }
        }
        sum
    }

    /// A text Gantt chart, `width` columns: one row per task.
    pub fn gantt(&self, width: usize) -> Vec<String> {
        let total = self.total.as_secs_f64().max(f64::MIN_POSITIVE);
        ["A", "B"]
            .iter()
            .enumerate()
            .map(|(task, label)| {
                let mut row = vec!['.'; width];
                for s in self.slices.iter().filter(|s| s.0 == task) {
                    let from = (s.1.as_secs_f64() / total * width as f64) as usize;
                    let to = ((s.2.as_secs_f64() / total * width as f64).ceil() as usize)
                        .clamp(from + 1, width);
                    for cell in row.iter_mut().take(to).skip(from.min(width - 1)) {
                        *cell = label.chars().next().unwrap_or('#');
                    }
                }
                format!("task {label} |{}|", row.into_iter().collect::<String>())
            })
            .collect()
    }
}

fn timed_step(task: &mut Task, id: usize, start: Instant, slices: &mut Vec<Slice>) -> bool {
    let began = start.elapsed();
    let more = task.step();
    slices.push((id, began, start.elapsed()));
    more
}

/// Runs the two tasks taking turns on this thread: A's step, B's step, A's, ...
pub fn interleaved(mut a: Task, mut b: Task) -> Timeline {
    let watch = Stopwatch::start();
    let start = Instant::now();
    let mut slices = Vec::new();
    while !(a.done() && b.done()) {
        if !a.done() {
            timed_step(&mut a, 0, start, &mut slices);
        }
        if !b.done() {
            timed_step(&mut b, 1, start, &mut slices);
        }
    }
    Timeline {
        primes: [a.primes, b.primes],
        slices,
        total: watch.elapsed(),
    }
}

/// Runs each task on its own thread.
pub fn parallel(a: Task, b: Task) -> Timeline {
    let watch = Stopwatch::start();
    let start = Instant::now();
    let results: Vec<(u64, Vec<Slice>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = [a, b]
            .into_iter()
            .enumerate()
            .map(|(id, mut task)| {
                scope.spawn(move || {
                    let mut slices = Vec::new();
                    while !task.done() {
                        timed_step(&mut task, id, start, &mut slices);
                    }
                    (task.primes, slices)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a task thread panicked"))
            .collect()
    });
    let total = watch.elapsed();
    let mut slices: Vec<Slice> = results.iter().flat_map(|r| r.1.clone()).collect();
    slices.sort_by_key(|s| s.1);
    Timeline {
        primes: [results[0].0, results[1].0],
        slices,
        total,
    }
}

/// The two tasks: each tests `count` numbers from 10^12 (A) and 2·10^12 (B), in 8 slices.
pub fn tasks(count: u64) -> (Task, Task) {
    let slice = count.div_ceil(8);
    (
        Task::new(1_000_000_000_000, 1_000_000_000_000 + count, slice),
        Task::new(2_000_000_000_000, 2_000_000_000_000 + count, slice),
    )
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let count = config.pick(800, 3_000);
    let (a, b) = tasks(count);
    let running = config.variant_of::<Running>()?;
    let timeline = match running {
        Running::Parallel => parallel(a, b),
        Running::Interleaved => interleaved(a, b),
    };
    let overlap = timeline.overlap();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let share = overlap.as_secs_f64() / timeline.total.as_secs_f64().max(f64::MIN_POSITIVE);
    let showed = match running {
        Running::Parallel => overlap > Duration::ZERO,
        Running::Interleaved => overlap.is_zero(),
    };
    let mut outcome = config.outcome(Verdict::from(showed))
        .line(format!(
            "Two tasks, each testing {count} numbers for primality in 8 slices (A from 10^12, B from 2·10^12), {}.",
            match running {
                Running::Parallel => "each on its own thread",
                Running::Interleaved => "taking turns on one thread (A's step, B's step, A's, …)",
            }
        ))
        .line(format!(
            "Total {}; A and B ran at the same instant for {} ({} of the run), on {} available. Primes found: A {}, B {}.",
            human(timeline.total),
            human(overlap),
            format::percent(share * 100.0),
            format::counted(cores, "cores"),
            timeline.primes[0],
            timeline.primes[1]
        ))
        .line("Which task ran when (left to right is time):");
    for row in timeline.gantt(48) {
        outcome = outcome.line(row);
    }
    Ok(outcome
        .key_figure("time both ran at once", share, "fraction")
        .duration("total time", timeline.total)
        .duration("overlap", overlap)
        .count("slices", timeline.slices.len(), "slices")
        .notice(match running {
            Running::Parallel => "parallel: both tasks execute at the same instant, on different cores",
            Running::Interleaved => "concurrent, not parallel: both tasks are in progress throughout, but only one runs at any instant",
        }))
}
