//! Shutting a pipeline down so every item is consumed exactly once and nothing hangs: the
//! book's poison pills, closing the channel, and a queue filled before its workers start.
//!
//! Only the producer knows when the work is over, so it must tell the consumers. Two ways:
//! - `poison-pill` (the book's fix, `Chapter06/example8.py`): the queue carries `Option<Task>`;
//!   after its tasks the producer puts one `None` per consumer, and a consumer stops when it
//!   takes one. FIFO order puts every pill behind every task. (`poison_pill.rs`, exercise 20.2.)
//! - `close`: the producer closes the queue; a consumer stops when `take` says "closed and
//!   drained". No counting of consumers, and a late-joining consumer cannot miss its pill.
//!   Channels do this when the last sender is dropped (see `bounded_buffer.rs`).
//!
//! Both run the book's primality tasks (`[2, 36, 101, ...]`, repeated) through a small bounded
//! buffer under a watchdog, then check every task id was done exactly once (count and checksum).
//! Expect "N tasks produced, N consumed, 0 lost, 0 duplicated" and a table of the first ten.
//!
//! - `work-queue` (`Chapter03/example5.py`): a queue pre-filled with `[1, 10, 4, 3]`, three
//!   workers drain it with a non-blocking take until it is empty, printing factors. Here "empty"
//!   *does* mean "done", because all the work was queued before any worker started: the very
//!   rule that strands work in `flawed-shutdown` is right when the queue is filled first.
//!
//! Run: `cargo run -p chapter-20 -- run shutdown [--variant close] [--threads 4]`.

use std::sync::Arc;
use std::time::Duration;

use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::bounded_buffer::BoundedBuffer;
use crate::poison_pill;
use crate::tasks::{Done, Tally, Task, WORK_QUEUE_NUMBERS, book_tasks, factors, is_prime};

common::variants! {
    /// The example's variants: the two ways a producer ends a pipeline, and a queue filled
    /// before its workers start, which needs neither.
    pub enum Stopping {
        /// [`Shutdown::PoisonPill`].
        PoisonPill = "poison-pill": "the book's fix: one None per consumer after the tasks",
        /// [`Shutdown::Close`].
        Close = "close": "the producer closes the queue; consumers drain it and stop",
        /// Workers drain a pre-filled queue with a non-blocking take.
        WorkQueue = "work-queue": "Chapter03/example5: three workers drain a pre-filled queue without waiting",
    }
}

/// How the producer tells the consumers the work is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// One `None` per consumer, after the tasks.
    PoisonPill,
    /// `close()` the queue after the tasks.
    Close,
}

/// The producer: puts every task, then ends the stream the chosen way. Returns tasks put.
pub fn produce(
    queue: &BoundedBuffer<Option<Task>>,
    tasks: &[Task],
    consumers: usize,
    how: Shutdown,
    ctx: &WorkerCtx,
) -> usize {
    let items = tasks.iter().copied().inspect(|_| ctx.progress());
    match how {
        Shutdown::PoisonPill => poison_pill::produce(queue, items, consumers),
        Shutdown::Close => {
            let mut put = 0;
            for task in items {
                if queue.put(Some(task)).is_err() {
                    break;
                }
                put += 1;
            }
            queue.close();
            put
        }
    }
}

/// A consumer: tests each task for primality until its pill, or until the queue is closed and
/// drained (the same loop ends on either). Returns the tasks it did.
pub fn consume(queue: &BoundedBuffer<Option<Task>>, me: usize, ctx: &WorkerCtx) -> Vec<Done> {
    let mut done = Vec::new();
    poison_pill::consume(queue, |task: Task| {
        done.push(Done {
            id: task.id,
            number: task.number,
            prime: is_prime(task.number),
            consumer: me,
        });
        ctx.progress();
    });
    done
}

/// A worker of the pre-filled work queue: takes without waiting until the queue is empty.
/// Returns `(number, factors)` for each number it took.
pub fn drain(queue: &BoundedBuffer<u64>, ctx: &WorkerCtx) -> Vec<(u64, Vec<u64>)> {
    let mut out = Vec::new();
    // The book: `while True: try: x = q.get_nowait() except queue.Empty: break`.
    while let Some(n) = queue.try_take() {
        out.push((n, factors(n)));
        ctx.progress();
    }
    out
}

/// What a thread of the pipeline returns.
enum Part {
    Produced(usize),
    Consumed(Vec<Done>),
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    Ok(match config.variant_of::<Stopping>()? {
        Stopping::PoisonPill => run_pipeline(config, Shutdown::PoisonPill),
        Stopping::Close => run_pipeline(config, Shutdown::Close),
        Stopping::WorkQueue => run_work_queue(config),
    })
}

fn run_pipeline(config: &RunConfig, how: Shutdown) -> Outcome {
    let consumers = config.threads;
    let rounds = config.pick(100, 2_000);
    let tasks = book_tasks(rounds);
    let capacity = 8;
    let queue = Arc::new(BoundedBuffer::new(capacity));

    let mut workers = Vec::new();
    for me in 0..consumers {
        let queue = Arc::clone(&queue);
        workers.push(worker(format!("consumer {me}"), move |ctx: &WorkerCtx| {
            Part::Consumed(consume(&queue, me, ctx))
        }));
    }
    {
        let (queue, tasks) = (Arc::clone(&queue), tasks.clone());
        workers.push(worker("producer", move |ctx: &WorkerCtx| {
            Part::Produced(produce(&queue, &tasks, consumers, how, ctx))
        }));
    }
    let report = Watchdog::new(config.budget())
        .stall_after(config.pick(Duration::from_millis(500), Duration::from_secs(2)))
        .run(workers);

    let mut done = Vec::new();
    let mut produced = 0;
    for part in report.results().into_iter().flatten() {
        match part {
            Part::Produced(n) => produced += n,
            Part::Consumed(d) => done.extend_from_slice(d),
        }
    }
    done.sort_by_key(|d| d.id);
    let tally = Tally::of(&tasks[..produced.min(tasks.len())], &done);
    let finished = report.ending == Ending::Finished;
    let exact = finished && produced == tasks.len() && tally.exactly_once();

    let mut first = TableData::new(
        "The book's ten tasks (first round)",
        &["task", "number", "prime?", "consumer"],
    );
    for d in done.iter().take(10) {
        first.row([
            d.id.to_string(),
            common::format::count(d.number),
            if d.prime { "prime" } else { "not prime" }.to_string(),
            d.consumer.to_string(),
        ]);
    }
    let per_thread = report.thread_table("Per thread", ["thread", "tasks put or done", "attempts"]);
    let (how_line, notice) = match how {
        Shutdown::PoisonPill => (
            format!("After its tasks the producer put {consumers} poison pills (`None`), one per consumer; each consumer stopped at its pill."),
            "one pill per consumer, behind every task: nobody quits early and nobody waits forever",
        ),
        Shutdown::Close => (
            "After its tasks the producer closed the queue; each consumer stopped when `take` said closed and drained.".to_string(),
            "closing needs no count of consumers: the queue itself says \"no more\"",
        ),
    };
    config.outcome(Verdict::from(exact))
    .line(format!(
        "{consumers} consumers, one producer, the book's 10 primality tasks × {rounds} through a buffer of {capacity}."
    ))
    .line(how_line)
    .line(format!(
        "{} tasks produced, {} consumed, {} lost, {} duplicated; checksum {} — {}.",
        common::format::count(tally.produced),
        common::format::count(tally.consumed),
        common::format::count(tally.lost),
        common::format::count(tally.duplicated),
        if tally.checksum == tally.expected_checksum {
            "matches"
        } else {
            "DIFFERS"
        },
        if finished {
            format!("every thread ended, in {}", human(report.ended_after))
        } else {
            report.describe_ending()
        }
    ))
    .table(first)
    .table(per_thread)
    .count(
        "tasks consumed exactly once",
        tally.produced - tally.lost - tally.duplicated,
        "tasks",
    )
    .as_key()
    .count("tasks lost", tally.lost, "tasks")
    .count("tasks duplicated", tally.duplicated, "tasks")
    .notice(notice)
}

fn run_work_queue(config: &RunConfig) -> Outcome {
    let workers_n = 3;
    let queue = Arc::new(BoundedBuffer::new(WORK_QUEUE_NUMBERS.len()));
    for n in WORK_QUEUE_NUMBERS {
        // Filled before any worker starts: that is what makes "empty" mean "done".
        let _ = queue.put(n);
    }
    let workers = (0..workers_n)
        .map(|w| {
            let queue = Arc::clone(&queue);
            worker(format!("worker {w}"), move |ctx: &WorkerCtx| {
                drain(&queue, ctx)
            })
        })
        .collect();
    let report = Watchdog::new(config.budget()).run(workers);

    let mut table = TableData::new(
        "Factors, as each worker printed them",
        &["worker", "number", "factors"],
    );
    let mut taken: Vec<u64> = Vec::new();
    for (thread, result) in report.threads.iter().zip(report.results()) {
        for (n, f) in result.into_iter().flatten() {
            taken.push(*n);
            let factors: Vec<String> = f.iter().map(|p| common::format::count(*p)).collect();
            table.row([
                thread.name.clone(),
                common::format::count(*n),
                factors.join(", "),
            ]);
        }
    }
    taken.sort_unstable();
    let mut expected = WORK_QUEUE_NUMBERS.to_vec();
    expected.sort_unstable();
    let exact = report.ending == Ending::Finished && taken == expected;
    let list = |numbers: &[u64]| {
        let written: Vec<String> = numbers.iter().map(|n| common::format::count(*n)).collect();
        written.join(", ")
    };
    config.outcome(Verdict::from(exact))
    .line(format!(
        "A queue pre-filled with {}; {workers_n} workers take without waiting until it is empty \
         (the book also sleeps 1 s per item; nothing here needs it).",
        list(&WORK_QUEUE_NUMBERS)
    ))
    .line(format!(
        "Numbers taken: {} — each exactly once; every worker ended when the queue was empty.",
        list(&taken)
    ))
    .table(table)
    .count("numbers factored", taken.len(), "numbers").as_key()
    .notice("\"empty\" means \"done\" only because all the work was queued before the workers started")
}
