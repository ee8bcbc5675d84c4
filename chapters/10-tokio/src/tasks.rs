//! Tasks and the ways to wait for them: `tokio::spawn` and its `JoinHandle`, `join!` and
//! `try_join!`, `join_all` (asyncio's `gather`) and `JoinSet` (asyncio's `as_completed`).
//!
//! Five jobs sleep 50, 40, 30, 20 and 10 ms (latency is the subject: each stands for a wait on
//! I/O) and return their number. What differs is how the results come back:
//! - `spawn`: each job is its own task; its `JoinHandle` gives the value back, or a `JoinError`
//!   saying the task panicked or was aborted (both shown). Spawned tasks run even if nobody polls
//!   the handle, like `loop.create_task` in the book's `Chapter10/example2.py`.
//! - `join`: `tokio::join!` waits for all (the slowest sets the time); `tokio::try_join!` returns
//!   at the first error and drops the other futures, which cancels them (measured: it returns at
//!   the failure, long before the slow job would have finished).
//! - `join-all`: `futures::future::join_all`, asyncio's `gather`: results in input order, however
//!   the jobs finished (`Chapter10/new_countdown.1.py`).
//! - `join-set`: a `JoinSet` hands results back in completion order, and aborts what is left
//!   when dropped.
//!
//! All on a current-thread runtime: one thread, so everything here is concurrency. The tests run
//! the same functions under tokio's paused clock.
//!
//! Run: `cargo run -p chapter-10 -- run tasks [--variant join-set]`.

use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict, format};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::support::{block_on_within, current_thread};

common::variants! {
    /// How the jobs are waited for.
    pub enum Waiting {
        /// A task per job, each awaited through its `JoinHandle`.
        Spawn = "spawn": "a task per job; handles give values, a panic or an abort as JoinError",
        /// `join!`, then `try_join!` with a failing job.
        Join = "join": "join! waits for all; try_join! stops at the first error and cancels the rest",
        /// `join_all`, asyncio's `gather`.
        JoinAll = "join-all": "join_all keeps the input order, like asyncio.gather",
        /// A `JoinSet`, asyncio's `as_completed`.
        JoinSet = "join-set": "JoinSet yields in completion order and aborts leftovers on drop",
    }
}

/// The jobs' pauses, in ms: the first job is the slowest.
pub const PAUSES_MS: [u64; 5] = [50, 40, 30, 20, 10];

/// One job: waits `pause`, then returns its id.
pub async fn job(id: usize, pause: Duration) -> usize {
    tokio::time::sleep(pause).await;
    id
}

fn pause(id: usize) -> Duration {
    Duration::from_millis(PAUSES_MS[id])
}

/// The job `try_join!` cancels: far slower than the 10 ms failure, so returning before it is a
/// fact a busy machine cannot blur (it costs nothing: the job is dropped at the failure).
pub const CANCELLED_JOB: Duration = Duration::from_secs(1);

/// What a variant observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The results in the order the API handed them back.
    pub results: Vec<String>,
    /// Time until the API returned.
    pub elapsed: Duration,
    /// Extra lines for the narrative.
    pub notes: Vec<String>,
}

/// `spawn`: one task per job, awaited through its handle; plus a task that panics and one that
/// is aborted, to show the two kinds of `JoinError`.
pub async fn with_handles() -> Collected {
    let start = Instant::now();
    let handles: Vec<_> = (0..PAUSES_MS.len())
        .map(|id| tokio::spawn(job(id, pause(id))))
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(id) => results.push(format!("job {id}")),
            Err(e) => results.push(format!("error: {e}")),
        }
    }
    let elapsed = start.elapsed();
    // The panic is expected: silence the default hook (and its backtrace) while it happens.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let panicked = tokio::spawn(panicking_job()).await;
    std::panic::set_hook(hook);
    let aborted = tokio::spawn(job(99, Duration::from_secs(3600)));
    aborted.abort();
    let mut notes = Vec::new();
    if let Err(e) = panicked {
        notes.push(format!(
            "A task that panics: its handle gives a JoinError (is_panic: {}); the runtime and the other tasks carry on.",
            format::yes_no(e.is_panic())
        ));
    }
    if let Err(e) = aborted.await {
        notes.push(format!(
            "A task aborted with JoinHandle::abort: a JoinError (is_cancelled: {}), its hour-long sleep dropped at once.",
            format::yes_no(e.is_cancelled())
        ));
    }
    Collected {
        results,
        elapsed,
        notes,
    }
}

/// A job that panics (the demonstration of a `JoinError::is_panic`).
async fn panicking_job() -> usize {
    tokio::task::yield_now().await;
    panic!("a job failed (this panic is the demonstration: its JoinHandle reports it)");
}

/// A job that fails after `pause`.
async fn failing_job(pause: Duration) -> Result<usize, String> {
    tokio::time::sleep(pause).await;
    Err(format!("failed after {}", human(pause)))
}

/// `join`: `join!` on three jobs, then `try_join!` on a 1 s job and one that fails at 10 ms.
pub async fn with_join_macros() -> Collected {
    let start = Instant::now();
    let (a, b, c) = tokio::join!(job(0, pause(0)), job(2, pause(2)), job(4, pause(4)));
    let joined = start.elapsed();
    let start = Instant::now();
    let tried = tokio::try_join!(
        async { Ok::<_, String>(job(0, CANCELLED_JOB).await) },
        failing_job(pause(4)),
    );
    let tried_elapsed = start.elapsed();
    Collected {
        results: vec![
            format!("join!: ({a}, {b}, {c}) after {}", human(joined)),
            format!(
                "try_join!: {} after {}",
                match &tried {
                    Ok((a, b)) => format!("({a}, {b})"),
                    Err(e) => format!("error: {e}"),
                },
                human(tried_elapsed)
            ),
        ],
        elapsed: tried_elapsed,
        notes: vec![format!(
            "join! waited for its slowest future ({}); try_join! returned at the first error ({}) and dropped the {} job: dropping a future cancels it.",
            human(joined),
            human(tried_elapsed),
            human(CANCELLED_JOB)
        )],
    }
}

/// `join-all`: asyncio's `gather` — results in input order.
pub async fn with_join_all() -> Collected {
    let start = Instant::now();
    let ids = futures::future::join_all((0..PAUSES_MS.len()).map(|id| job(id, pause(id)))).await;
    Collected {
        results: ids.into_iter().map(|id| format!("job {id}")).collect(),
        elapsed: start.elapsed(),
        notes: vec!["join_all returns the results in the order the futures were given, like gather, however they finished.".into()],
    }
}

/// `join-set`: results in completion order.
pub async fn with_join_set() -> Collected {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for id in 0..PAUSES_MS.len() {
        set.spawn(job(id, pause(id)));
    }
    let mut results = Vec::new();
    while let Some(done) = set.join_next().await {
        match done {
            Ok(id) => results.push(format!("job {id} at {}", human(start.elapsed()))),
            Err(e) => results.push(format!("error: {e}")),
        }
    }
    let elapsed = start.elapsed();
    // A JoinSet owns its tasks: dropping it aborts whatever is still running.
    let mut leftover = JoinSet::new();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
    leftover.spawn(async move {
        let _keep = tx;
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    drop(leftover);
    let closed = rx.recv().await.is_none();
    Collected {
        results,
        elapsed,
        notes: vec![format!(
            "JoinSet::join_next hands back the fastest first. Dropping a JoinSet aborts its tasks: the hour-long task's channel closed at once: {}.",
            format::yes_no(closed)
        )],
    }
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let waiting = config.variant_of::<Waiting>()?;
    let runtime = current_thread()?;
    let budget = config.budget();
    let collected = match waiting {
        Waiting::Spawn => block_on_within(&runtime, budget, "spawn", with_handles())?,
        Waiting::Join => block_on_within(&runtime, budget, "join", with_join_macros())?,
        Waiting::JoinAll => block_on_within(&runtime, budget, "join_all", with_join_all())?,
        Waiting::JoinSet => block_on_within(&runtime, budget, "JoinSet", with_join_set())?,
    };
    let in_order: Vec<String> = (0..PAUSES_MS.len()).map(|id| format!("job {id}")).collect();
    let showed = match waiting {
        // The spawn run adds a note for each kind of JoinError.
        Waiting::Spawn => collected.results == in_order && collected.notes.len() == 2,
        Waiting::JoinAll => collected.results == in_order && collected.notes.len() == 1,
        Waiting::Join => collected.elapsed < CANCELLED_JOB,
        Waiting::JoinSet => collected
            .results
            .iter()
            .zip((0..PAUSES_MS.len()).rev())
            .all(|(r, id)| r.starts_with(&format!("job {id} "))),
    };
    let mut table = TableData::new(
        format!(
            "jobs 0..4 pause {} ms: the results as `{}` returns them",
            PAUSES_MS.map(|p| p.to_string()).join(", "),
            waiting
        ),
        &["#", "result"],
    );
    for (i, r) in collected.results.iter().enumerate() {
        table.row([i.to_string(), r.clone()]);
    }
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .table(table)
        .duration("elapsed", collected.elapsed)
        .as_key();
    for note in collected.notes {
        outcome = outcome.line(note);
    }
    Ok(outcome
        .line("The pauses are sleeps: they stand for waits on I/O, and the waiting is the subject.")
        .notice(match waiting {
            Waiting::Spawn => "a JoinHandle is a task's result to come: its value, or a JoinError for a panic or an abort",
            Waiting::Join => "try_join! stops at the first error; the futures it drops are cancelled, not left running",
            Waiting::JoinAll => "join_all (asyncio.gather) keeps the input order, whatever order the jobs finish in",
            Waiting::JoinSet => "a JoinSet yields results as they complete, and aborts its remaining tasks when dropped",
        }))
}
