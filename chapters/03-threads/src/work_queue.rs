//! Three worker threads drain a pre-filled queue — with and without the gap between "is it
//! empty?" and "give me one".
//!
//! Mirrors the book's `Chapter03/example5.py`: a queue is filled with `[1, 10, 4, 3]`, three
//! threads take numbers from it until it is empty, print each number's factors, and sleep 1 s
//! per item (here 20 ms: the sleep stands for slow work, latency is the subject).
//!
//! - `check-then-get` (broken): a worker asks `is_empty()`, then calls a *blocking* `get()`. The
//!   two calls are two lock acquisitions; between them another worker can take the last item,
//!   and then `get()` waits for an item that will never come. With four items and three workers
//!   that is the normal ending: all three finish together, all see the last item, one takes it
//!   and two wait forever. A race needs its schedule, so the run the verdict rests on forces it
//!   ([`crate::forced_window`]): in the gap, each worker waits until every other has checked
//!   too. Then a few runs with a 20 ms sleep in the gap instead, left to the scheduler: how often
//!   the race strikes on its own (most runs on an idle machine, fewer on a busy one; the model
//!   checker finds it with no help at all). The watchdog reports the stall, then the queue is
//!   closed so the stuck threads can leave.
//! - `pop-or-stop` (fixed): one call, under one lock, both looks and takes: `try_pop()` returns
//!   `Some(n)` or `None`, and `None` means "done". No gap, no hang.
//!
//! Chapter 20's `shutdown --variant work-queue` runs the same book example as a shutdown
//! protocol; here the subject is the threads' side: the race between two calls.
//!
//! Run: `cargo run -p chapter-3 -- run work-queue --variant check-then-get`. Expect the stall
//! reported with two workers `blocked`, after all four numbers' factors.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use common::sync::{Condvar, Mutex, MutexGuard, lock};
use common::watchdog::{Ending, GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::forced_window::Rendezvous;

/// The book's queue contents.
pub const BOOK_ITEMS: [u64; 4] = [1, 10, 4, 3];

/// Every divisor of `n`, ascending (the book's "factors").
pub fn factors(n: u64) -> Vec<u64> {
    (1..=n).filter(|d| n.is_multiple_of(*d)).collect()
}

/// A FIFO queue with Python's `queue.Queue` API shape: `is_empty`, a blocking `get`, and the
/// fix, `try_pop`. `close` lets blocked `get`s return `None` (to free the broken demo's threads).
#[derive(Debug, Default)]
pub struct WorkQueue {
    state: Mutex<(VecDeque<u64>, bool)>,
    available: Condvar,
}

impl WorkQueue {
    /// A queue filled with `items`.
    pub fn filled(items: &[u64]) -> Self {
        Self {
            state: Mutex::new((items.iter().copied().collect(), false)),
            available: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, (VecDeque<u64>, bool)> {
        lock(&self.state)
    }

    /// True if no item is waiting *right now* — stale as soon as the lock is released.
    pub fn is_empty(&self) -> bool {
        self.state().0.is_empty()
    }

    /// Python's blocking `get()`: waits for an item (or `close`).
    pub fn get(&self) -> Option<u64> {
        let mut state = self.state();
        while state.0.is_empty() && !state.1 {
            state = self
                .available
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.0.pop_front()
    }

    /// The fix: look and take under one lock. `None` means the queue is drained.
    pub fn try_pop(&self) -> Option<u64> {
        self.state().0.pop_front()
    }

    /// Wakes every blocked `get` with `None`.
    pub fn close(&self) {
        self.state().1 = true;
        self.available.notify_all();
    }
}

common::variants! {
    /// How a worker takes its next item.
    pub enum Taking {
        /// `is_empty()` then a blocking `get()`: two calls, a gap between them.
        CheckThenGet = "check-then-get": "is_empty() then a blocking get(): workers wait forever for the last item",
        /// One `try_pop()`.
        PopOrStop = "pop-or-stop": "one try_pop() under one lock: None means done",
    }
}

/// One worker's loop: take items until told there are none, handle each. `window` runs between
/// the check and the get (a rendezvous or a sleep in the demo, a yield under the model checker).
pub fn drain(
    queue: &WorkQueue,
    taking: Taking,
    window: &dyn Fn(),
    handle: &mut dyn FnMut(u64),
) -> Vec<u64> {
    let mut took = Vec::new();
    loop {
        let next = match taking {
            Taking::CheckThenGet => {
                if queue.is_empty() {
                    None
                } else {
                    window();
                    queue.get()
                }
            }
            Taking::PopOrStop => queue.try_pop(),
        };
        let Some(n) = next else { break };
        handle(n);
        took.push(n);
    }
    took
}

/// What runs in the gap between a worker's check and its get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The rendezvous of [`crate::forced_window`]: every worker checks before any gets.
    Forced,
    /// A plain pause this long: whether another worker checks inside it is up to the scheduler.
    FreeRunning(Duration),
}

/// Runs three workers on the book's queue under the watchdog, with `schedule` in the gap.
pub fn run_workers(taking: Taking, work: Duration, schedule: Schedule) -> GroupReport<Vec<u64>> {
    let queue = Arc::new(WorkQueue::filled(&BOOK_ITEMS));
    let rendezvous = Arc::new(Rendezvous::new(3));
    let workers = (0..3)
        .map(|w| {
            let (queue, rendezvous) = (Arc::clone(&queue), Arc::clone(&rendezvous));
            worker(format!("worker {w}"), move |ctx: &WorkerCtx| {
                let seat = rendezvous.seat(w);
                let window = || match schedule {
                    Schedule::Forced => seat.window(),
                    Schedule::FreeRunning(pause) => std::thread::sleep(pause),
                };
                drain(&queue, taking, &window, &mut |_| {
                    std::thread::sleep(work);
                    ctx.progress();
                })
            })
        })
        .collect();
    let report = Watchdog::new(Duration::from_secs(2))
        .stall_after(Duration::from_millis(250))
        .grace(Duration::from_millis(50))
        .run(workers);
    // Free any worker still blocked in `get` so no thread outlives the example for long.
    queue.close();
    report
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let taking = config.variant_of::<Taking>()?;
    let work = Duration::from_millis(20);
    let report = run_workers(taking, work, Schedule::Forced);
    let pause = Duration::from_millis(20);
    let free_runs = match taking {
        Taking::CheckThenGet => config.pick(3, 10),
        Taking::PopOrStop => 0,
    };
    let stranded_free = (0..free_runs)
        .filter(|_| {
            run_workers(taking, work, Schedule::FreeRunning(pause)).ending != Ending::Finished
        })
        .count();
    let mut table = TableData::new(
        "Each worker: the numbers it took and their factors",
        &["worker", "numbers and factors", "state at the end"],
    );
    for thread in &report.threads {
        let took = match &thread.result {
            common::watchdog::WorkerResult::Finished(took) => took
                .iter()
                .map(|n| format!("{n}: {:?}", factors(*n)))
                .collect::<Vec<_>>()
                .join("; "),
            _ => format!("{} handled, then stuck in get()", thread.progress),
        };
        table.row([thread.name.clone(), took, thread.state().to_string()]);
    }
    let handled = report.total_progress();
    let blocked = report
        .threads
        .iter()
        .filter(|t| t.state() == "blocked")
        .count();
    let outcome = match (taking, &report.ending) {
        (Taking::CheckThenGet, Ending::Stalled) if handled == 4 && blocked > 0 => {
            config.outcome(Verdict::Showed)
                .line("The gap was forced open: each worker waited after its check until the others had checked too.")
                .line("All four numbers were handled, then workers that had seen \"not empty\" waited in get() for an item another worker took.")
                .line(report.describe_ending())
                .line(format!(
                    "Left to the scheduler (a {} sleep in the gap, no rendezvous), workers were stranded in {stranded_free} of {}: \
                     the race needs them to finish their numbers together, which a busy machine may not arrange.",
                    common::format::duration(pause),
                    common::format::counted(free_runs, "runs")
                ))
                .notice("is_empty() then get() is two steps: the answer is stale by the time you act on it")
        }
        (Taking::PopOrStop, Ending::Finished) if handled == 4 => {
            config.outcome(Verdict::Showed)
                .line("Each worker took items with one try_pop() until it returned None; all three finished.")
                .notice("look and take in one step, under one lock, and \"empty\" can be trusted")
        }
        _ => config.outcome(Verdict::DidNotShow)
            .line(report.describe_ending())
            .notice(match taking {
                Taking::CheckThenGet => "the forced run did not strand a worker: a worker waited out the hang guard",
                Taking::PopOrStop => "the workers did not all finish",
            }),
    };
    let outcome = outcome
        .table(table)
        .count("workers stuck in get()", blocked, "workers")
        .as_key()
        .count("numbers handled", handled, "numbers");
    Ok(match taking {
        Taking::CheckThenGet => outcome
            .count("runs stranded free-running", stranded_free, "runs")
            .count("free-running runs", free_runs, "runs"),
        Taking::PopOrStop => outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_of_the_book_numbers() {
        assert_eq!(factors(1), [1]);
        assert_eq!(factors(10), [1, 2, 5, 10]);
        assert_eq!(factors(4), [1, 2, 4]);
        assert_eq!(factors(3), [1, 3]);
    }
}
