//! Worker threads draining a shared priority queue: greatest priority first, nothing lost, and a
//! clean shutdown.
//!
//! The book's chapter 3 drains a FIFO `queue.Queue` with three worker threads
//! (`Chapter03/example5.py`) and points to `queue.PriorityQueue` for work that has priorities.
//! Here the queue is [`PriorityQueue`] (exercise 3.2): a `BinaryHeap` in a `Mutex`, a `Condvar`
//! for workers to sleep on while it is empty, and `close` for shutdown. The tasks, with seeded
//! random priorities 0–9, are all queued and the queue is closed before the workers start:
//! closing means "no more will come", not "stop now". Each worker pops until `pop` returns
//! `None` (closed *and* drained). The model-checking tests close while workers are asleep in
//! `pop`, which is the harder case: `close` must wake them all.
//!
//! What is guaranteed, and checked: every task is handled exactly once; every worker stops (no
//! one sleeps forever at shutdown); and since nothing is pushed after the workers start, the
//! priorities each worker sees never go up. Across workers the order interleaves, of course.
//! Each task's "work" is a 1 ms sleep (latency standing for work, so all workers get a share).
//! `tests/model_check.rs` runs the same code under shuttle, with producers pushing concurrently.
//!
//! Run: `cargo run -p chapter-3 -- run priority-queue --threads 4 --seed 7`. Expect each
//! worker's priorities in non-increasing order, and every task handled once.

use std::sync::Arc;
use std::time::Duration;

use common::rng::SplitMix64;
use common::watchdog::{Ending, Watchdog, WorkerCtx, WorkerResult, worker};
use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::priority_queue::PriorityQueue;

common::variants! {
    /// The example's one variant.
    pub enum Draining {
        /// Queue every task, close the queue, let the workers drain it.
        Drain = "drain": "tasks queued, queue closed, workers drain it: each worker sees non-increasing priorities",
    }
}

/// A task: compared by priority first (greater runs first), then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Task {
    /// 0 (lowest) to 9 (highest).
    pub priority: u8,
    /// Unique per task.
    pub id: u64,
}

/// `count` tasks with seeded random priorities 0–9.
pub fn tasks(count: u64, seed: u64) -> Vec<Task> {
    let mut rng = SplitMix64::new(seed);
    (0..count)
        .map(|id| Task {
            priority: rng.below(10) as u8,
            id,
        })
        .collect()
}

/// A worker's loop: pop until the queue is closed and drained, handle each task, and return
/// the tasks in the order this worker took them.
pub fn work_through(queue: &PriorityQueue<Task>, handle: &mut dyn FnMut(Task)) -> Vec<Task> {
    let mut taken = Vec::new();
    while let Some(task) = queue.pop() {
        handle(task);
        taken.push(task);
    }
    taken
}

/// True if the priorities never go up along `taken`.
pub fn non_increasing(taken: &[Task]) -> bool {
    taken.windows(2).all(|w| w[0].priority >= w[1].priority)
}

/// True if `per_worker` together hold exactly the ids `0..count`, each once.
pub fn each_once(per_worker: &[Vec<Task>], count: u64) -> bool {
    let mut ids: Vec<u64> = per_worker.iter().flatten().map(|t| t.id).collect();
    ids.sort_unstable();
    ids == (0..count).collect::<Vec<_>>()
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Draining::Drain = config.variant_of()?;
    let count = config.pick(40, 400);
    let queue = Arc::new(PriorityQueue::new());
    for task in tasks(count, config.seed) {
        queue
            .push(task)
            .map_err(|_| anyhow::anyhow!("queue closed early"))?;
    }
    let workers = (0..config.threads)
        .map(|w| {
            let queue = Arc::clone(&queue);
            worker(format!("worker {w}"), move |ctx: &WorkerCtx| {
                work_through(&queue, &mut |_| {
                    std::thread::sleep(Duration::from_millis(1));
                    ctx.progress();
                })
            })
        })
        .collect();
    // Closing means "no more will come", not "stop now": the workers drain the queue first.
    queue.close();
    let report = Watchdog::new(config.budget()).run(workers);

    let per_worker: Vec<Vec<Task>> = report
        .threads
        .iter()
        .map(|t| match &t.result {
            WorkerResult::Finished(taken) => taken.clone(),
            _ => Vec::new(),
        })
        .collect();
    let mut table = TableData::new(
        format!(
            "{count} tasks, priorities 0-9 (seed {}), {} workers",
            config.seed, config.threads
        ),
        &[
            "worker",
            "tasks",
            "priorities in the order taken",
            "state at the end",
        ],
    );
    for (thread, taken) in report.threads.iter().zip(&per_worker) {
        // Runs of one priority, `9 ×14, 8 ×15, …`: the descending order shows at a glance.
        let mut runs: Vec<(u8, usize)> = Vec::new();
        for t in taken {
            match runs.last_mut() {
                Some((priority, count)) if *priority == t.priority => *count += 1,
                _ => runs.push((t.priority, 1)),
            }
        }
        let priorities = runs
            .iter()
            .map(|(priority, count)| format!("{priority} ×{count}"))
            .collect::<Vec<_>>()
            .join(", ");
        table.row([
            thread.name.clone(),
            taken.len().to_string(),
            priorities,
            thread.state().to_string(),
        ]);
    }
    let ordered = per_worker.iter().all(|t| non_increasing(t));
    let once = each_once(&per_worker, count);
    let finished = report.ending == Ending::Finished;
    Ok(
        config.outcome(Verdict::from(ordered && once && finished))
            .line(format!(
                "All tasks were queued and the queue closed (no more will come); then the workers drained it: {}.",
                report.describe_ending()
            ))
            .line(format!(
                "Every task handled exactly once: {}; every worker saw non-increasing priorities: {}.",
                format::yes_no(once),
                format::yes_no(ordered)
            ))
            .table(table)
            .count("tasks handled", report.total_progress(), "tasks").as_key()
            .count("workers", config.threads, "workers")
            .notice("pop waits while the queue is empty and open, and returns None only when it is closed and drained: that is the clean shutdown"),
    )
}
