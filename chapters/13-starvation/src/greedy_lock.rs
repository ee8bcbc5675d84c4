//! A greedy thread on an unfair lock: it releases the lock and takes it straight back, again and
//! again, and the threads waiting for it hardly ever get a turn.
//!
//! Three threads share one lock. `greedy` works under the lock and re-locks at once; `polite 0`
//! and `polite 1` work under it, then spend as long again outside before asking again. An
//! unfair lock gives a released lock to whoever asks *first*, and the greedy thread, already
//! running, asks within nanoseconds; a waiter must first be woken by the kernel, and by the time
//! it runs the lock is taken again (the book's starvation chapter makes this point about
//! scheduling; its code never shows a lock doing it). A fair hand-off gives the lock to the
//! thread that has waited longest.
//!
//! - `std-mutex`: `std::sync::Mutex` — no fairness promise; on Linux a futex lock that lets
//!   the running thread barge in.
//! - `parking-lot`: `parking_lot::Mutex` — also unfair, but with *eventual fairness*: about
//!   every 0.5 ms an unlock hands the lock over fairly, which bounds the starvation.
//! - `unlock-fair`: `parking_lot::Mutex` released with `MutexGuard::unlock_fair`, which hands
//!   the lock to the next *parked* waiter. A waiter still spinning before it parks is not in line
//!   yet, so it can still be overtaken now and then (the table shows how often).
//! - `ticket`: the chapter's FIFO [`TicketLock`], built from `common::sync` so the model checker
//!   can check the guarantee: a waiter is overtaken at most once by each other thread.
//!
//! The table shows each thread's share of the acquisitions, its longest wait, and the most
//! acquisitions by others that came between one request of its own and its turn. Expect the
//! greedy thread to take nearly all of them under the unfair locks (the polite threads overtaken
//! hundreds or thousands of times in one wait), and every other turn under the fair ones (the
//! polite threads are away half the time, so a FIFO lock gives the greedy one 50 %).
//!
//! Run: `cargo run -p chapter-13 -- run greedy-lock [--variant std-mutex]`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::sync::atomic::{AtomicU64, Ordering};
use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, WorkerResult, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::primitives::{Semaphore, TicketLock, hold, spin_for};
use crate::tally::{Row, Tally, percent, share_table, total};

/// The thread names: the greedy one first.
pub const THREADS: [&str; 3] = ["greedy", "polite 0", "polite 1"];

/// A lock seen from outside: run `body` while holding it.
pub trait ExclusiveLock: Send + Sync {
    /// Runs `body` under the lock.
    fn with(&self, body: &mut dyn FnMut());
}

/// `std::sync::Mutex`.
#[derive(Debug, Default)]
pub struct StdMutex(std::sync::Mutex<()>);

impl ExclusiveLock for StdMutex {
    fn with(&self, body: &mut dyn FnMut()) {
        let _guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        body();
    }
}

/// `parking_lot::Mutex`, released normally (unfair, with eventual fairness).
#[derive(Debug, Default)]
pub struct ParkingLotMutex(parking_lot::Mutex<()>);

impl ExclusiveLock for ParkingLotMutex {
    fn with(&self, body: &mut dyn FnMut()) {
        let _guard = self.0.lock();
        body();
    }
}

/// `parking_lot::Mutex`, released with `unlock_fair`: the lock goes to the next waiter.
#[derive(Debug, Default)]
pub struct FairHandOff(parking_lot::Mutex<()>);

impl ExclusiveLock for FairHandOff {
    fn with(&self, body: &mut dyn FnMut()) {
        let guard = self.0.lock();
        body();
        parking_lot::MutexGuard::unlock_fair(guard);
    }
}

impl ExclusiveLock for TicketLock {
    fn with(&self, body: &mut dyn FnMut()) {
        let _guard = self.lock();
        body();
    }
}

/// A binary semaphore used as a lock: as unfair as the book's `threading.Lock`.
impl ExclusiveLock for Semaphore {
    fn with(&self, body: &mut dyn FnMut()) {
        self.acquire();
        body();
        self.release();
    }
}

/// A greedy share at or above this (percent) is starvation; a FIFO hand-off gives it 50 %.
pub const STARVING_SHARE: f64 = 60.0;

/// A FIFO hand-off keeps the greedy share near 50 % — a little more, since it takes turns in a
/// row while both polite threads are away. Below this (percent) the lock was shared.
pub const SHARED_SHARE: f64 = 70.0;

/// Which lock a variant name means.
pub fn lock_for(variant: &str) -> Arc<dyn ExclusiveLock> {
    match variant {
        "parking-lot" => Arc::new(ParkingLotMutex::default()),
        "unlock-fair" => Arc::new(FairHandOff::default()),
        "ticket" => Arc::new(TicketLock::new()),
        _ => Arc::new(StdMutex::default()),
    }
}

/// Whether a variant's lock promises a fair hand-off.
pub fn is_fair(variant: &str) -> bool {
    matches!(variant, "unlock-fair" | "ticket")
}

/// One acquisition: request, wait, hold the lock for `micros` µs. Returns how long it waited and
/// how many acquisitions by others came between its request and its turn. `entries` counts
/// every acquisition by anyone.
pub fn acquire_once(lock: &dyn ExclusiveLock, entries: &AtomicU64, micros: u64) -> (Duration, u64) {
    let requested = entries.load(Ordering::SeqCst);
    let asked_at = Instant::now();
    let mut seen = (Duration::ZERO, 0);
    lock.with(&mut || {
        let seq = entries.fetch_add(1, Ordering::SeqCst);
        seen = (asked_at.elapsed(), seq - requested);
        spin_for(Duration::from_micros(micros));
    });
    seen
}

/// How long each thread holds the lock per acquisition, in µs (a sleep, standing for I/O); the
/// polite threads spend as long again outside.
pub const HOLD_MICROS: u64 = 50;

/// Runs the greedy thread and the polite ones on `lock` for `duration`, each holding it for
/// `micros` µs per acquisition; a tally per thread.
pub fn measure(
    lock: Arc<dyn ExclusiveLock>,
    duration: Duration,
    micros: u64,
) -> (Vec<Row>, Ending) {
    let entries = Arc::new(AtomicU64::new(0));
    let workers = THREADS
        .iter()
        .map(|&name| {
            let (lock, entries) = (Arc::clone(&lock), Arc::clone(&entries));
            let greedy = name == "greedy";
            worker(name, move |ctx: &WorkerCtx| {
                let mut tally = Tally::default();
                while !ctx.should_stop() {
                    let (wait, overtaken) = acquire_once(lock.as_ref(), &entries, micros);
                    tally.record(wait, overtaken);
                    ctx.progress();
                    if !greedy {
                        // The polite threads do as much work again outside the lock.
                        hold(micros);
                    }
                }
                tally
            })
        })
        .collect();
    let report = Watchdog::new(duration)
        .stall_after(duration / 2)
        .grace(Duration::from_secs(2))
        .run(workers);
    let rows = report
        .threads
        .iter()
        .map(|t| Row {
            name: t.name.clone(),
            role: if t.name == "greedy" {
                "re-locks at once"
            } else {
                "works between"
            }
            .to_string(),
            tally: match &t.result {
                WorkerResult::Finished(tally) => tally.clone(),
                _ => Tally::default(),
            },
        })
        .collect();
    (rows, report.ending.clone())
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let duration = config.pick(Duration::from_millis(400), Duration::from_secs(3));
    let (rows, ending) = measure(lock_for(config.variant), duration, HOLD_MICROS);
    let all = total(&rows);
    let greedy_share = percent(rows[0].tally.accesses, all);
    let polite_overtaken = rows[1..]
        .iter()
        .map(|r| r.tally.most_overtaken)
        .max()
        .unwrap_or(0);
    let polite_wait = rows[1..]
        .iter()
        .map(|r| r.tally.longest_wait)
        .max()
        .unwrap_or_default();
    let fair = is_fair(config.variant);
    // A FIFO hand-off gives the greedy thread every other turn (50 %): the polite threads are
    // away half the time. Starvation is the greedy thread taking well over that.
    let everyone_in = rows.iter().all(|r| r.tally.accesses > 0);
    let shared = everyone_in && greedy_share < SHARED_SHARE;
    let showed = match config.variant {
        "ticket" => shared,
        // `unlock_fair` is fair only to *parked* waiters: the measurement says how it went.
        "unlock-fair" => true,
        _ => greedy_share >= STARVING_SHARE,
    };
    let verdict = if ending == Ending::DeadlineReached && showed {
        Verdict::Showed
    } else {
        Verdict::DidNotShow
    };
    Ok(Outcome::new("greedy-lock", config.variant, verdict)
        .line(format!(
            "{all} acquisitions in {}: the greedy thread took {greedy_share:.1} % (a FIFO hand-off gives it every other turn: 50 %).",
            human(duration)
        ))
        .line(format!(
            "A polite thread waited at most {} for one turn, overtaken {polite_overtaken} times meanwhile.",
            human(polite_wait)
        ))
        .line(format!(
            "Each turn holds the lock for a {HOLD_MICROS} µs sleep (standing for I/O, so the CPUs stay free and the lock alone decides who goes next)."
        ))
        .line(if shared {
            "Measured: shared — every thread got its turns.".to_string()
        } else {
            format!("Measured: starving — the greedy thread took {greedy_share:.0} %.")
        })
        .key_figure("greedy share", greedy_share, "%")
        .figure("polite most overtaken", polite_overtaken as f64, "acquisitions")
        .figure("polite longest wait", polite_wait.as_secs_f64(), "s")
        .table(share_table("Per thread", "acquisitions", &rows))
        .notice(if config.variant == "ticket" {
            "a FIFO lock serves the longest waiter first: the greedy thread gets every other turn, no more"
        } else if fair {
            "unlock_fair hands the lock to a *parked* waiter only: fair while the waiters sleep, not while they spin or wait for a CPU (try it under load)"
        } else {
            "the running thread re-takes the lock before a woken waiter gets there: unfair locks are faster, and starve"
        }))
}
