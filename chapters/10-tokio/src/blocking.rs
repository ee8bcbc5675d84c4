//! A blocking call inside async code starves the runtime: every other task waits for it. Measured
//! with a heartbeat task, then fixed with `spawn_blocking` (blocking calls) and rayon (CPU work).
//!
//! The runtime has one thread (a current-thread runtime, like asyncio's event loop). A heartbeat
//! task asks to wake every 10 ms and records how late it actually wakes. Meanwhile another task
//! does one of four things:
//! - `broken`: a blocking call, `std::thread::sleep(100 ms)` (1 s in a full run; standing for a
//!   synchronous file read, a `ureq` request, a `std::sync::Mutex` wait...). The heartbeat wakes
//!   ~100 ms late: for that whole stretch no task on the runtime could run.
//! - `spawn-blocking`: the same call inside `tokio::task::spawn_blocking`, awaited. The heartbeat
//!   stays on time (late by about a millisecond, the timer's granularity).
//! - `cpu-broken`: CPU-bound work inline: the book's 16-digit prime 9637529763296797 checked by
//!   trial division (about 0.1 s in release). The heartbeat stalls for all of it.
//! - `rayon`: the same check on rayon's pool, the answer back on a `oneshot` channel.
//!
//! Latency is what is measured, so the blocking call is a sleep on purpose; the CPU work is real.
//! Book: `Chapter10/example5.py`/`example6.py` move blocking and CPU work into executors for
//! exactly this reason; the book does not measure the stall, this example does.
//!
//! Run: `cargo run --release -p chapter-10 -- run blocking [--variant spawn-blocking]`.

use std::future::Future;
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::support::{
    BOOK_NUMBERS, Heartbeat, block_on_within, current_thread, is_prime, ms, spawn_heartbeat,
};

common::variants! {
    /// What the task beside the heartbeat does, and where.
    pub enum Call {
        /// A blocking sleep on the runtime's own thread.
        SleepInline = "broken": "std::thread::sleep(100 ms) inline: the heartbeat waits for all of it",
        /// The same sleep on tokio's blocking pool.
        SleepOffloaded = "spawn-blocking": "the same call on spawn_blocking: the heartbeat keeps time",
        /// The book's 16-digit prime checked on the runtime's own thread.
        PrimeInline = "cpu-broken": "the book's 16-digit prime checked inline",
        /// The same check on rayon's pool.
        PrimeOnRayon = "rayon": "the same check on rayon, answer on a oneshot channel",
    }
}

impl Call {
    /// Whether the work runs on the runtime's own thread, so the heartbeat cannot tick.
    pub fn holds_the_thread(self) -> bool {
        match self {
            Self::SleepInline | Self::PrimeInline => true,
            Self::SleepOffloaded | Self::PrimeOnRayon => false,
        }
    }

    /// Whether the work is computation (the prime check) rather than a blocking wait.
    pub fn is_cpu_work(self) -> bool {
        match self {
            Self::PrimeInline | Self::PrimeOnRayon => true,
            Self::SleepInline | Self::SleepOffloaded => false,
        }
    }
}

/// The heartbeat's period.
pub const PERIOD: Duration = Duration::from_millis(10);

/// What a run observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Stall<T> {
    /// What the work returned.
    pub value: T,
    /// How long the work took.
    pub work_time: Duration,
    /// What the heartbeat saw over the whole run.
    pub heartbeat: Heartbeat,
    /// Heartbeat ticks completed while the work ran: 0 if the work held the runtime's thread.
    pub ticks_during_work: usize,
}

/// Ticks during the work that show the runtime stayed free: a few of the ten-plus possible, so
/// that a loaded machine delaying some ticks does not hide the point.
pub const FREE_TICKS: usize = 3;

/// Runs `work` on the current task while a heartbeat ticks every `period` on the same runtime;
/// the heartbeat runs alone for two periods before and after. Call inside a tokio runtime.
pub async fn observe<F: Future>(period: Duration, work: F) -> anyhow::Result<Stall<F::Output>> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let beat = spawn_heartbeat(period, stop_rx, std::sync::Arc::clone(&counter));
    tokio::time::sleep(period * 2).await;
    let ticks_before = counter.load(std::sync::atomic::Ordering::SeqCst);
    let watch = Stopwatch::start();
    let value = work.await;
    let work_time = watch.elapsed();
    let ticks_during_work = counter.load(std::sync::atomic::Ordering::SeqCst) - ticks_before;
    tokio::time::sleep(period * 2).await;
    stop_tx.send(true)?;
    let heartbeat = beat.await?;
    Ok(Stall {
        value,
        work_time,
        heartbeat,
        ticks_during_work,
    })
}

/// The blocking call, made where it should not be: on the runtime's own thread.
pub async fn blocking_inline(d: Duration) {
    std::thread::sleep(d);
}

/// The same call on tokio's blocking pool, awaited.
pub async fn blocking_offloaded(d: Duration) -> anyhow::Result<()> {
    Ok(tokio::task::spawn_blocking(move || std::thread::sleep(d)).await?)
}

/// CPU work inline: the runtime's thread computes and nothing else runs.
pub async fn prime_inline(n: u64) -> bool {
    is_prime(n)
}

/// CPU work on rayon's pool; this task only awaits the answer.
pub async fn prime_on_rayon(n: u64) -> anyhow::Result<bool> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let _ = tx.send(is_prime(n)); // the receiver may have given up
    });
    Ok(rx.await?)
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let call_kind = config.variant_of::<Call>()?;
    let runtime = current_thread()?;
    let budget = config.budget();
    // Ten heartbeat periods in the tour: `spawn-blocking` still sees its FREE_TICKS with room.
    let call = config.pick(Duration::from_millis(100), Duration::from_millis(1000));
    let n = BOOK_NUMBERS[0];
    let what = "the heartbeat run";
    let (stall, work) = match call_kind {
        Call::SleepInline => {
            let s = block_on_within(
                &runtime,
                budget,
                what,
                observe(PERIOD, blocking_inline(call)),
            )??;
            (
                Stall {
                    value: true,
                    work_time: s.work_time,
                    heartbeat: s.heartbeat,
                    ticks_during_work: s.ticks_during_work,
                },
                format!("std::thread::sleep({}) inline", human(call)),
            )
        }
        Call::SleepOffloaded => {
            let s = block_on_within(
                &runtime,
                budget,
                what,
                observe(PERIOD, blocking_offloaded(call)),
            )??;
            s.value?;
            (
                Stall {
                    value: true,
                    work_time: s.work_time,
                    heartbeat: s.heartbeat,
                    ticks_during_work: s.ticks_during_work,
                },
                format!("std::thread::sleep({}) on spawn_blocking", human(call)),
            )
        }
        Call::PrimeInline => {
            let s = block_on_within(&runtime, budget, what, observe(PERIOD, prime_inline(n)))??;
            (s, format!("is_prime({n}) inline"))
        }
        Call::PrimeOnRayon => {
            let s = block_on_within(&runtime, budget, what, observe(PERIOD, prime_on_rayon(n)))??;
            let prime = s.value?;
            (
                Stall {
                    value: prime,
                    work_time: s.work_time,
                    heartbeat: s.heartbeat,
                    ticks_during_work: s.ticks_during_work,
                },
                format!("is_prime({n}) on rayon"),
            )
        }
    };
    let broken = call_kind.holds_the_thread();
    let late = stall.heartbeat.worst_late;
    // Broken: not one tick while the work held the thread, so the heartbeat waited for (nearly)
    // all of it. Fixed: the heartbeat kept ticking during the work. Counting ticks rather than
    // judging delays keeps the verdict honest on a loaded machine.
    let showed = stall.value
        && if broken {
            stall.ticks_during_work == 0 && late + PERIOD >= stall.work_time
        } else {
            stall.ticks_during_work >= FREE_TICKS
        };
    let mut table = TableData::new(
        "one runtime thread: a heartbeat every 10 ms beside the work",
        &[
            "work",
            "work took",
            "heartbeat ticks during the work",
            "heartbeat ticks in all",
            "worst heartbeat delay",
        ],
    );
    table.row([
        work.clone(),
        human(stall.work_time),
        stall.ticks_during_work.to_string(),
        stall.heartbeat.ticks.to_string(),
        human(late),
    ]);
    Ok(config.outcome(Verdict::from(showed))
        .table(table)
        .key_figure("worst heartbeat delay", ms(late), "ms")
        .figure("work time", ms(stall.work_time), "ms")
        .count("heartbeat ticks during the work", stall.ticks_during_work, "ticks")
        .line(if call_kind.is_cpu_work() {
            "The work is real: trial division of the book's 16-digit prime.".to_string()
        } else {
            format!("The blocking call is a {} sleep: latency is what is measured, and a sleep makes it exact.", human(call))
        })
        .notice(if broken {
            "a blocking call on the runtime's thread stalls every task on it: the heartbeat waited for all of it"
        } else {
            "offloaded, the work takes as long but the runtime stays free: the heartbeat keeps time"
        }))
}
