//! Cooperative scheduling: one task that computes without yielding stalls every other task on
//! the executor. Measured, then fixed two ways.
//!
//! An executor can switch tasks only at an `.await` that returns `Pending`: nothing preempts a
//! task. Two tasks share the mini executor: a **ticker** that wants to run every 5 ms (it records
//! how late each tick is), and a **worker** that checks the book's big prime, 9637529763296797
//! (about 49 million trial divisions).
//!
//! - `blocking`: the worker calls the synchronous `is_prime`. The ticker cannot run until it is
//!   done: its longest stall is the whole check (about 0.1 s in release), zero ticks meanwhile.
//! - `yielding`: the worker awaits `is_prime_cooperative`, which yields every 50,000 divisors
//!   (the book's `asyncio.sleep(0)`). The ticker runs on time; the longest stall is a tick's
//!   jitter.
//! - `offloaded`: the worker hands the synchronous check to a thread (`Offload`, tokio's
//!   `spawn_blocking`) and awaits the result. The executor's thread stays free.
//!
//! Run: `cargo run --release -p chapter-9 -- run cooperative` (every variant with the tour; one
//! with `--variant blocking`). Mirrors the book's chapter 9 warning that a coroutine which never
//! awaits blocks the event loop.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use common::timing::human;
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::executor::{Clock, Executor, Handle};
use crate::hand_written_future::Offload;
use crate::primes::{BOOK_NUMBERS, YIELD_EVERY, is_prime, is_prime_cooperative};

common::variants! {
    /// How the worker runs its CPU-bound check.
    pub enum Work {
        /// Synchronously, inside the task: never yields.
        Blocking = "blocking": "the worker checks the big prime synchronously inside its task",
        /// In the task, yielding every 50,000 divisors.
        Yielding = "yielding": "the worker yields every 50,000 divisors",
        /// On another thread; the task awaits the result.
        Offloaded = "offloaded": "the worker runs the check on a thread and awaits the result",
    }
}

/// The ticker's period.
pub const TICK: Duration = Duration::from_millis(5);

/// What the ticker saw while the worker ran.
#[derive(Debug, Clone, Copy)]
pub struct Stall {
    /// How long the worker's check took, start to finish.
    pub work_time: Duration,
    /// The most a tick ran after its deadline: how long the executor could not run the ticker.
    pub longest_stall: Duration,
    /// Ticks that ran while the worker's check was under way.
    pub ticks_during_work: u64,
    /// Whether the number was found prime (it is).
    pub prime: bool,
}

async fn worker(work: Work, number: u64, repeats: u32) -> bool {
    let mut prime = true;
    for _ in 0..repeats {
        prime &= match work {
            Work::Blocking => is_prime(number).prime,
            Work::Yielding => is_prime_cooperative(number, YIELD_EVERY).await.prime,
            Work::Offloaded => Offload::new(move || is_prime(number).prime).await,
        };
    }
    prime
}

/// The ticker: wake every `TICK`, note how late, stop once the work is done.
async fn ticker(handle: Handle, working: Rc<Cell<Option<bool>>>) -> (Duration, u64) {
    let (mut longest, mut during) = (Duration::ZERO, 0);
    loop {
        let due = handle.now() + TICK;
        handle.sleep_until(due).await;
        longest = longest.max(handle.now().saturating_sub(due));
        match working.get() {
            Some(true) => during += 1,
            Some(false) => return (longest, during),
            None => {}
        }
    }
}

/// Runs the ticker beside a worker that checks `number` for primality `repeats` times.
pub fn measure(work: Work, number: u64, repeats: u32) -> anyhow::Result<Stall> {
    let executor = Executor::new(Clock::Real);
    let handle = executor.handle();
    // None: not started; Some(true): working; Some(false): done.
    let working = Rc::new(Cell::new(None));
    let stall = executor.block_on(async move {
        // The ticker first: it has registered its first timer before the worker starts.
        let ticks = handle.spawn(ticker(handle.clone(), Rc::clone(&working)));
        let worker_handle = handle.clone();
        let work_time = handle.spawn(async move {
            let started = worker_handle.now();
            working.set(Some(true));
            let prime = worker(work, number, repeats).await;
            working.set(Some(false));
            (worker_handle.now() - started, prime)
        });
        let (work_time, prime) = work_time.await;
        let (longest_stall, ticks_during_work) = ticks.await;
        Stall {
            work_time,
            longest_stall,
            ticks_during_work,
            prime,
        }
    })?;
    Ok(stall)
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let work = config.variant_of::<Work>()?;
    let repeats = config.pick(1, 3);
    let number = BOOK_NUMBERS[0];
    let stall = crate::watched(config, "executor", move || measure(work, number, repeats))?;

    let expected_ticks = stall.work_time.as_nanos() / TICK.as_nanos();
    let mut table = TableData::new(
        format!(
            "a ticker every {} beside a worker checking {number} ({})",
            human(TICK),
            common::format::counted(repeats, "times")
        ),
        &[
            "worker",
            "work took",
            "ticks during it",
            "of ~",
            "longest stall",
        ],
    );
    table.row([
        work.to_string(),
        human(stall.work_time),
        stall.ticks_during_work.to_string(),
        expected_ticks.to_string(),
        human(stall.longest_stall),
    ]);
    let half_the_work = stall.work_time / 2;
    let showed = stall.prime
        && match work {
            // Nothing can run while the check runs: not one tick, and a stall as long as the work.
            Work::Blocking => stall.ticks_during_work == 0 && stall.longest_stall >= half_the_work,
            Work::Yielding | Work::Offloaded => {
                stall.ticks_during_work > 0 && stall.longest_stall < half_the_work
            }
        };
    let notice = match work {
        Work::Blocking => {
            "a task that computes without awaiting holds the executor's only thread: every other task waits for all of it"
        }
        Work::Yielding => {
            "yielding every 50,000 divisors lets the ticker in on time; the work is still done on this thread"
        }
        Work::Offloaded => {
            "the work runs on another thread; the task only awaits its result, so the executor stays free"
        }
    };
    Ok(config
        .outcome(Verdict::from(showed))
        .table(table)
        .key_figure(
            "longest stall",
            stall.longest_stall.as_secs_f64() * 1e3,
            "ms",
        )
        .figure("work time", stall.work_time.as_secs_f64() * 1e3, "ms")
        .count("ticks during the work", stall.ticks_during_work, "ticks")
        .notice(notice))
}
