//! The book's three countdowns, one after the other and then as tasks on one thread, and its two
//! factorial coroutines: waiting concurrently makes the total the longest wait, not the sum.
//!
//! Countdowns A, B and C each count 3, 2, 1 with a pause of 1 s, 0.8 s and 0.5 s before every
//! step (`Chapter10/example1.py`, synchronous: 6.9 s in the book). As tasks the pauses overlap
//! and the run takes about the longest countdown, 3 s (`example2.py` with `create_task` +
//! `asyncio.wait`, and `new_countdown.1.py` with `asyncio.gather`). `factorial.py` runs
//! factorial(3) and factorial(4) as two coroutines that sleep 1 s per step: 3 s, not 5 s.
//!
//! Latency is the subject, so the pauses are real sleeps: `std::thread::sleep` for the blocking
//! version, `tokio::time::sleep` for the tasks. Quick mode scales the book's delays by 0.03
//! (full mode by 0.5), and the output says so. Every run has one OS thread (a current-thread
//! runtime, like asyncio's event loop), so the overlap is concurrency, not parallelism.
//!
//! Variants: `sequential` (example1), `tasks` (example2: `tokio::spawn` and awaiting every
//! `JoinHandle`), `gather` (new_countdown.1: `futures::future::join_all`, no spawn), `factorial`
//! (factorial.py: `tokio::join!`). The timeline table is the book's tab-indented printout.
//!
//! Run: `cargo run -p chapter-10 -- run countdowns [--variant tasks]`.

use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict};
use tokio::runtime::Runtime;
use tokio::time::Instant;

use crate::support::{block_on_within, current_thread};

common::variants! {
    /// Which of the book's programs runs.
    pub enum Program {
        /// Blocking sleeps, each countdown to its end before the next (example1).
        Sequential = "sequential": "blocking sleeps, one countdown after another (example1)",
        /// One task per countdown, every handle awaited (example2).
        Tasks = "tasks": "one tokio::spawn per countdown, every JoinHandle awaited (example2)",
        /// The three futures under `join_all` (new_countdown.1).
        Gather = "gather": "join_all over the three futures, asyncio.gather (new_countdown.1)",
        /// The two factorial coroutines under `tokio::join!` (factorial.py).
        Factorial = "factorial": "factorial(3) and factorial(4) under tokio::join! (factorial.py)",
    }
}

/// The book's countdowns: name and delay in seconds before each of the 3 steps.
pub const BOOK_COUNTDOWNS: [(char, f64); 3] = [('A', 1.0), ('B', 0.8), ('C', 0.5)];
/// Each countdown counts 3, 2, 1.
pub const STEPS: u32 = 3;

/// One line of the book's printout: at `at` (since the start), countdown `name` said `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Time since the run began.
    pub at: Duration,
    /// Which countdown (or factorial task).
    pub name: char,
    /// The number it printed.
    pub n: u64,
}

/// The book's delays scaled by `scale`.
pub fn delays(scale: f64) -> [(char, Duration); 3] {
    BOOK_COUNTDOWNS.map(|(name, secs)| (name, Duration::from_secs_f64(secs * scale)))
}

/// `Chapter10/example1.py`: each countdown runs to its end before the next starts. Blocking
/// sleeps on the calling thread, so the total is the sum of every pause.
pub fn sequential(delays: &[(char, Duration)]) -> Vec<Tick> {
    let start = std::time::Instant::now();
    let mut ticks = Vec::new();
    for &(name, delay) in delays {
        for n in (1..=STEPS).rev() {
            std::thread::sleep(delay);
            ticks.push(Tick {
                at: start.elapsed(),
                name,
                n: n.into(),
            });
        }
    }
    ticks
}

/// One countdown as a future: it sleeps without holding the thread, so others run meanwhile.
async fn count_down(name: char, delay: Duration, start: Instant) -> Vec<Tick> {
    let mut ticks = Vec::new();
    for n in (1..=STEPS).rev() {
        tokio::time::sleep(delay).await;
        ticks.push(Tick {
            at: start.elapsed(),
            name,
            n: n.into(),
        });
    }
    ticks
}

/// `Chapter10/example2.py`: one task per countdown (`create_task`), then wait for all of them.
/// Call inside a tokio runtime.
pub async fn as_tasks(delays: &[(char, Duration)]) -> anyhow::Result<Vec<Tick>> {
    let start = Instant::now();
    let handles: Vec<_> = delays
        .iter()
        .map(|&(name, delay)| tokio::spawn(count_down(name, delay, start)))
        .collect();
    let mut ticks = Vec::new();
    for handle in handles {
        // A JoinHandle resolves to Err only if the task panicked or was aborted.
        ticks.extend(handle.await?);
    }
    ticks.sort_by_key(|t| t.at);
    Ok(ticks)
}

/// `Chapter10/new_countdown.1.py`: `asyncio.gather` is `join_all`. The futures are not spawned:
/// `join_all` polls all of them inside this one future.
pub async fn gathered(delays: &[(char, Duration)]) -> Vec<Tick> {
    let start = Instant::now();
    let all = futures::future::join_all(
        delays
            .iter()
            .map(|&(name, delay)| count_down(name, delay, start)),
    )
    .await;
    let mut ticks: Vec<Tick> = all.into_iter().flatten().collect();
    ticks.sort_by_key(|t| t.at);
    ticks
}

/// `Chapter10/factorial.py`: factorial(`number`), pausing `step` before each multiplication.
/// Returns the ticks (the partial products) and the result.
pub async fn factorial(
    name: char,
    number: u64,
    step: Duration,
    start: Instant,
) -> (Vec<Tick>, u64) {
    let mut f = 1;
    let mut ticks = Vec::new();
    for i in 2..=number {
        tokio::time::sleep(step).await;
        f *= i;
        ticks.push(Tick {
            at: start.elapsed(),
            name,
            n: f,
        });
    }
    (ticks, f)
}

/// The two factorial coroutines of `factorial.py`, run together with `tokio::join!`.
pub async fn two_factorials(step: Duration) -> (Vec<Tick>, u64, u64) {
    let start = Instant::now();
    let ((a, fa), (b, fb)) = tokio::join!(
        factorial('A', 3, step, start),
        factorial('B', 4, step, start)
    );
    let mut ticks: Vec<Tick> = a.into_iter().chain(b).collect();
    ticks.sort_by_key(|t| t.at);
    (ticks, fa, fb)
}

/// The book's timeline: one row per printed line, the number in its countdown's column.
fn timeline(title: String, ticks: &[Tick], names: &[char]) -> TableData {
    let mut header = vec!["time".to_string()];
    header.extend(names.iter().map(|c| c.to_string()));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = TableData::new(title, &header_refs);
    for tick in ticks {
        let mut row = vec![human(tick.at)];
        row.extend(names.iter().map(|&c| {
            if c == tick.name {
                tick.n.to_string()
            } else {
                String::new()
            }
        }));
        table.row(row);
    }
    table
}

/// `factorial`: the two coroutines of `factorial.py`, a step of `scale` seconds each.
fn factorials(config: &RunConfig, scale: f64, runtime: &Runtime) -> anyhow::Result<Outcome> {
    let step = Duration::from_secs_f64(scale);
    let (ticks, fa, fb) = block_on_within(
        runtime,
        config.budget(),
        "the factorials",
        two_factorials(step),
    )?;
    let total = ticks.last().map(|t| t.at).unwrap_or_default();
    // Sequential would be 2 + 3 steps; together they take the longer one's 3 steps.
    let showed = fa == 6 && fb == 24 && total < step * 5;
    Ok(config.outcome(Verdict::from(showed))
        .table(timeline(
            format!("factorial(3) as A, factorial(4) as B, {} per step", human(step)),
            &ticks,
            &['A', 'B'],
        ))
        .duration("total time", total).as_key()
        .duration("one after the other would take", step * 5)
        .figure("factorial(3)", fa as f64, "")
        .figure("factorial(4)", fb as f64, "")
        .line(format!(
            "The book's step is 1 s; here {} (scaled by {scale}). The book observed 3.0 s: the two coroutines overlap.",
            human(step)
        ))
        .notice("tokio::join! polls both futures on this one task: the total is the longer chain of sleeps, 3 steps, not 2 + 3"))
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let program = config.variant_of::<Program>()?;
    // The tour: 3 % of the book's delays (the longest countdown 90 ms, the sum 207 ms; a
    // factorial step 30 ms, three in a row against five): far enough apart that load cannot
    // carry an overlapped run up to the sum.
    let scale = config.pick(0.03, 0.5);
    let delays = delays(scale);
    let names: Vec<char> = delays.iter().map(|d| d.0).collect();
    let sum: Duration = delays.iter().map(|d| d.1 * STEPS).sum();
    let longest = delays.iter().map(|d| d.1 * STEPS).max().unwrap_or_default();
    let scaled_note = format!(
        "Latency is the subject, so the pauses are real sleeps: the book's delays (1 s, 0.8 s, 0.5 s) scaled by {scale}."
    );
    let runtime = current_thread()?;
    let budget = config.budget();
    let (ticks, book, overlapped) = match program {
        Program::Factorial => return factorials(config, scale, &runtime),
        Program::Sequential => (sequential(&delays), "example1.py (observed 6.9 s)", false),
        Program::Tasks => (
            block_on_within(&runtime, budget, "the tasks", as_tasks(&delays))??,
            "example2.py (observed 3.0 s)",
            true,
        ),
        Program::Gather => (
            block_on_within(
                &runtime,
                budget,
                "the gathered countdowns",
                gathered(&delays),
            )?,
            "new_countdown.1.py (observed 3.0 s)",
            true,
        ),
    };
    let total = ticks.last().map(|t| t.at).unwrap_or_default();
    let (showed, expectation) = if overlapped {
        // Concurrent: at least the longest countdown, and under the sum. Sleeps never end early,
        // so a total below the sum of all pauses can only come from pauses that overlapped; a
        // busy machine only adds time, and the margin (the sum is 2.3 times the longest) absorbs it.
        (
            total >= longest && total < sum,
            format!("the longest countdown, {}", human(longest)),
        )
    } else {
        (
            total >= sum,
            format!("the sum of every pause, {}", human(sum)),
        )
    };
    Ok(config.outcome(Verdict::from(showed))
        .table(timeline(
            format!("countdowns A, B, C — the book's {book}"),
            &ticks,
            &names,
        ))
        .duration("total time", total).as_key()
        .duration("sum of the pauses", sum)
        .duration("longest countdown", longest)
        .line(scaled_note)
        .line(format!("Expected about {expectation}; took {}.", human(total)))
        .notice(if overlapped {
            "the tasks share one thread yet their sleeps overlap: the total falls from the sum to the longest countdown"
        } else {
            "one thread that sleeps can do nothing else: the total is the sum of all nine pauses"
        }))
}
