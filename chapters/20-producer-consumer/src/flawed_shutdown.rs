//! The book's flawed pipeline: consumers that stop as soon as the queue *looks* empty.
//!
//! `Chapter06/example7.py` starts `cpu_count()` consumer processes that loop
//! `while not task_queue.empty()`, and only then enqueues its 10 primality tasks. The consumers
//! find the queue empty, quit, and the tasks are stranded: nobody will ever take them, so the
//! book's `tasks.join()` (wait until every task is marked done) never returns. It was observed
//! to hang, printing only "Spawning 2 consumers...". "Empty right now" is not "no more work":
//! only the producer knows when the work is over, so it must say so (`shutdown.rs`).
//!
//! Here the same consumers run on threads. The producer takes a millisecond to prepare each task
//! (a sleep: *when* work arrives, relative to the consumers' checks, is the subject). Instead of
//! the book's endless `join()`, the run waits for the tasks with a time limit and reports what
//! was produced, consumed and stranded. Expect: "10 tasks produced, 0 consumed, 10 stranded"
//! (or a few consumed, if a consumer's check happened to fall after a put).
//!
//! Run: `cargo run -p chapter-20 -- run flawed-shutdown [--threads 4]`.

use std::sync::Arc;
use std::time::Duration;

use common::sync::{Condvar, Mutex, lock};
use common::timing::human;
use common::watchdog::{Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::bounded_buffer::BoundedBuffer;
use crate::tasks::{Done, Task, book_tasks, is_prime};

common::variants! {
    /// The example's one variant: the book's consumers, as the book wrote them.
    pub enum Quitting {
        /// Consumers quit as soon as the queue looks empty, and start before the producer.
        WhenEmpty = "broken": "consumers loop `while not queue.empty()`, started before the producer",
    }
}

/// The book's `JoinableQueue` bookkeeping: how many tasks were put and not yet marked done.
#[derive(Debug, Default)]
pub struct Unfinished {
    count: Mutex<usize>,
    all_done: Condvar,
}

impl Unfinished {
    /// Nothing unfinished yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A task was put (the queue's `put` does this in Python).
    pub fn add(&self) {
        *lock(&self.count) += 1;
    }

    /// A task was finished (`task_done()`).
    pub fn task_done(&self) {
        let mut count = lock(&self.count);
        *count = count.saturating_sub(1);
        if *count == 0 {
            self.all_done.notify_all();
        }
    }

    /// The book's `join()`, with a time limit: waits until every task is done or `limit`
    /// passes. Returns how many tasks were still unfinished (0 means `join()` would return).
    pub fn join_timeout(&self, limit: Duration) -> usize {
        let count = lock(&self.count);
        let (count, _) = self
            .all_done
            .wait_timeout_while(count, limit, |count| *count > 0)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *count
    }
}

/// BROKEN, as in the book: works while the queue is not empty, then quits — even if the
/// producer has not put anything yet. Returns the tasks it did.
pub fn polling_consumer(
    queue: &BoundedBuffer<Task>,
    unfinished: &Unfinished,
    me: usize,
    ctx: &WorkerCtx,
) -> Vec<Done> {
    let mut done = Vec::new();
    // The book: `while not self.task_queue.empty(): task = self.task_queue.get() ...`.
    while !queue.is_empty() {
        ctx.busy();
        // Non-blocking: with the book's blocking `get()`, two consumers that both saw one task
        // would leave the loser waiting forever — a second hang behind the first.
        if let Some(task) = queue.try_take() {
            done.push(Done {
                id: task.id,
                number: task.number,
                prime: is_prime(task.number),
                consumer: me,
            });
            unfinished.task_done();
            ctx.progress();
        }
    }
    done
}

/// The producer: puts every task, pausing `prepare` before each (a sleep standing for the time
/// it takes to make a task; skipped under the model checker). Returns how many it put.
pub fn producer(
    queue: &BoundedBuffer<Task>,
    unfinished: &Unfinished,
    tasks: &[Task],
    prepare: Duration,
    ctx: &WorkerCtx,
) -> usize {
    let mut put = 0;
    for &task in tasks {
        if cfg!(not(shuttle)) && !prepare.is_zero() {
            std::thread::sleep(prepare);
        }
        unfinished.add();
        if queue.put(task).is_err() {
            break;
        }
        put += 1;
        ctx.progress();
    }
    put
}

/// What a thread of the run returns.
enum Part {
    Produced(usize),
    Consumed(Vec<Done>),
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Quitting::WhenEmpty = config.variant_of()?;
    let consumers = config.threads;
    let tasks = book_tasks(1);
    let queue = Arc::new(BoundedBuffer::new(tasks.len()));
    let unfinished = Arc::new(Unfinished::new());
    let prepare = Duration::from_millis(1);

    // The book's order: consumers first, then the producer's puts.
    let mut workers = Vec::new();
    for me in 0..consumers {
        let (queue, unfinished) = (Arc::clone(&queue), Arc::clone(&unfinished));
        workers.push(worker(format!("consumer {me}"), move |ctx: &WorkerCtx| {
            Part::Consumed(polling_consumer(&queue, &unfinished, me, ctx))
        }));
    }
    {
        let (queue, unfinished, tasks) =
            (Arc::clone(&queue), Arc::clone(&unfinished), tasks.clone());
        workers.push(worker("producer", move |ctx: &WorkerCtx| {
            Part::Produced(producer(&queue, &unfinished, &tasks, prepare, ctx))
        }));
    }
    let report = Watchdog::new(config.budget()).run(workers);
    // The book's `tasks.join()`, which would wait forever for stranded tasks.
    let join_limit = config.pick(Duration::from_millis(300), Duration::from_secs(1));
    let unfinished_after = unfinished.join_timeout(join_limit);

    let (mut produced, mut consumed) = (0, 0);
    for part in report.results().into_iter().flatten() {
        match part {
            Part::Produced(n) => produced += n,
            Part::Consumed(done) => consumed += done.len(),
        }
    }
    let stranded = produced.saturating_sub(consumed);
    let table = report.thread_table(
        "Per thread (progress: tasks put or done; attempts: loop passes)",
        ["thread", "tasks", "loop passes"],
    );

    let showed = stranded > 0 && unfinished_after > 0;
    let outcome = config.outcome(Verdict::from(showed))
    .line(format!(
        "{consumers} consumers loop `while not queue.empty()`; then the producer puts {} tasks, one every {} \
         (a sleep: when work arrives is the subject).",
        tasks.len(),
        human(prepare)
    ))
    .line(format!(
        "{produced} tasks produced, {consumed} consumed, {stranded} stranded: every consumer had already quit."
    ))
    .line(if unfinished_after > 0 {
        format!(
            "The book's `tasks.join()` would wait forever: the timed wait gave up after {} with {unfinished_after} tasks unfinished.",
            human(join_limit)
        )
    } else {
        "This time every task was taken before the consumers quit: the race went the lucky way.".to_string()
    })
    .table(table)
    .count("tasks stranded", stranded, "tasks").as_key()
    .count("tasks produced", produced, "tasks")
    .count("tasks consumed", consumed, "tasks")
    .notice("an empty queue means \"nothing yet\", not \"no more\": only the producer knows when the work ends (see `shutdown`)");
    Ok(outcome)
}
