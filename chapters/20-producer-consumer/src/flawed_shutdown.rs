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
//! (a sleep: *when* work arrives, relative to the consumers' checks, is the subject). In the runs
//! the verdict counts, its last put waits until every consumer has given up
//! ([`crate::forced_stranding`]), so a consumer that a busy machine starts late cannot take all
//! the work; as many runs again are left to the scheduler, to show how often the book's order
//! strands work on its own. Instead of the book's endless `join()`, the run waits for the tasks
//! with a time limit and reports what was produced, consumed and stranded. Expect: "10 tasks
//! produced, 0 consumed, 10 stranded" (or a few consumed, if a consumer's check happened to fall
//! after a put; never all ten).
//!
//! Run: `cargo run -p chapter-20 -- run flawed-shutdown [--threads 4]`.

use std::sync::Arc;
use std::time::Duration;

use common::sync::{Condvar, Mutex, lock};
use common::timing::human;
use common::watchdog::{GroupReport, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::bounded_buffer::BoundedBuffer;
use crate::forced_stranding::GivenUp;
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

/// The producer: puts every task, running `prepare` with the task's index before each (the time
/// it takes to make a task: a sleep in the demo, nothing under the model checker). Returns how
/// many it put.
pub fn producer(
    queue: &BoundedBuffer<Task>,
    unfinished: &Unfinished,
    tasks: &[Task],
    prepare: &dyn Fn(usize),
    ctx: &WorkerCtx,
) -> usize {
    let mut put = 0;
    for (i, &task) in tasks.iter().enumerate() {
        prepare(i);
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

/// When the producer makes its last put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// After every consumer has given up ([`crate::forced_stranding`]).
    Forced,
    /// When its preparing is done: whether a consumer is still looking is up to the scheduler.
    FreeRunning,
}

/// One run of the book's pipeline: what was put and done, and what is still unfinished.
struct Stranding {
    report: GroupReport<Part>,
    unfinished: Arc<Unfinished>,
    produced: usize,
    consumed: usize,
}

impl Stranding {
    fn stranded(&self) -> usize {
        self.produced.saturating_sub(self.consumed)
    }
}

/// Runs `consumers` polling consumers, then the producer, pausing `pause` before each put, under
/// the watchdog.
fn run_pipeline(
    consumers: usize,
    tasks: &[Task],
    pause: Duration,
    schedule: Schedule,
    budget: Duration,
) -> Stranding {
    let queue = Arc::new(BoundedBuffer::new(tasks.len()));
    let unfinished = Arc::new(Unfinished::new());
    let given_up = Arc::new(GivenUp::new(consumers));

    // The book's order: consumers first, then the producer's puts.
    let mut workers = Vec::new();
    for me in 0..consumers {
        let (queue, unfinished) = (Arc::clone(&queue), Arc::clone(&unfinished));
        let given_up = Arc::clone(&given_up);
        workers.push(worker(format!("consumer {me}"), move |ctx: &WorkerCtx| {
            let _token = given_up.token();
            Part::Consumed(polling_consumer(&queue, &unfinished, me, ctx))
        }));
    }
    {
        let (queue, unfinished) = (Arc::clone(&queue), Arc::clone(&unfinished));
        let tasks = tasks.to_vec();
        workers.push(worker("producer", move |ctx: &WorkerCtx| {
            let last = tasks.len().saturating_sub(1);
            let prepare = |i: usize| {
                std::thread::sleep(pause);
                if schedule == Schedule::Forced && i == last {
                    given_up.wait_for_all();
                }
            };
            Part::Produced(producer(&queue, &unfinished, &tasks, &prepare, ctx))
        }));
    }
    let report = Watchdog::new(budget).run(workers);
    let (mut produced, mut consumed) = (0, 0);
    for part in report.results().into_iter().flatten() {
        match part {
            Part::Produced(n) => produced += n,
            Part::Consumed(done) => consumed += done.len(),
        }
    }
    Stranding {
        report,
        unfinished,
        produced,
        consumed,
    }
}

/// Runs the example: forced runs, where the verdict is counted, then runs left to the scheduler.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Quitting::WhenEmpty = config.variant_of()?;
    let consumers = config.threads;
    let tasks = book_tasks(1);
    let prepare = Duration::from_millis(1);
    let runs = config.pick(3, 10);
    let pipeline = |schedule| run_pipeline(consumers, &tasks, prepare, schedule, config.budget());
    let forced: Vec<Stranding> = (0..runs).map(|_| pipeline(Schedule::Forced)).collect();
    let forced_stranded = forced.iter().filter(|r| r.stranded() > 0).count();
    let free_stranded = (0..runs)
        .filter(|_| pipeline(Schedule::FreeRunning).stranded() > 0)
        .count();

    // The first forced run, in detail. The book's `tasks.join()` would wait forever for its
    // stranded tasks; here it waits with a limit.
    let first = &forced[0];
    let join_limit = config.pick(Duration::from_millis(300), Duration::from_secs(1));
    let unfinished_after = first.unfinished.join_timeout(join_limit);
    let (produced, consumed, stranded) = (first.produced, first.consumed, first.stranded());
    let table = first.report.thread_table(
        "Per thread (progress: tasks put or done; attempts: loop passes)",
        ["thread", "tasks", "loop passes"],
    );

    let showed = forced_stranded == runs && unfinished_after > 0;
    let outcome = config.outcome(Verdict::from(showed))
    .line(format!(
        "{consumers} consumers loop `while not queue.empty()`; then the producer puts {} tasks, one every {} \
         (a sleep: when work arrives is the subject), the last one once every consumer has given up.",
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
        "Every task was taken before the consumers quit: a consumer waited out the hang guard.".to_string()
    })
    .line(format!(
        "Tasks were stranded in {forced_stranded} of {} forced like this; left to the scheduler (the last put \
         as soon as it is ready), in {free_stranded} of {runs}; fewer on a busy machine, where a consumer that first runs after every put takes them all.",
        common::format::counted(runs, "runs")
    ))
    .table(table)
    .count("tasks stranded", stranded, "tasks").as_key()
    .count("tasks produced", produced, "tasks")
    .count("tasks consumed", consumed, "tasks")
    .count("forced runs stranding tasks", forced_stranded, "runs")
    .count("free-running runs stranding tasks", free_stranded, "runs")
    .count("runs", runs, "runs")
    .notice("an empty queue means \"nothing yet\", not \"no more\": only the producer knows when the work ends (see `shutdown`)");
    Ok(outcome)
}
