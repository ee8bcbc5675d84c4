//! Compare-and-swap loops: the atomic maximum four ways, and a spin lock — with when not to spin.
//!
//! A compare-and-swap (`compare_exchange`) writes a new value only if the location still holds
//! the value you read: the building block of every lock-free update that no single instruction
//! does. The `atomic-max` variant has threads race to raise one shared maximum with
//! `compare_exchange` in a loop, `compare_exchange_weak` in a loop (exercise 17.1), `fetch_update`
//! (the loop written for you) and `fetch_max` (one call), and counts how often a CAS lost the race
//! and had to retry. Every method must land on the true maximum.
//!
//! The `spin-lock` variant measures the spin lock of exercise 17.2 against `std::sync::Mutex`,
//! with as many threads as cores and with four times as many. A spin lock never sleeps: with a
//! core per thread and tiny critical sections that is fast, but when threads outnumber cores a
//! waiter may spin through its whole time slice while the holder it waits for is not even
//! scheduled. `Mutex` spins briefly, then parks the thread in the kernel (a futex) and lets the
//! holder run. That is when not to spin.
//!
//! Run: `cargo run --release -p chapter-17 -- run cas-loop` (both variants), `--threads N`.
//! Expect: every maximum exact, retries in the tens of thousands (none when a busy machine never
//! runs the threads at the same instant); the spin lock competitive with the mutex at one thread
//! per core and falling behind when threads outnumber cores (the size of the gap depends on the
//! machine's load: read the ratio, not the absolute numbers).
//! Book section: chapter 17, "Operations on atomic types" (the book's text names
//! compare-and-swap; Python exposes no atomics, so the code is new here).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool as StdBool, AtomicU64 as StdU64, Ordering as Std};
use std::time::{Duration, Instant};

use common::rng::SplitMix64;
use common::timing::Stopwatch;
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::max::atomic_max;
use crate::spin::SpinLock;
use crate::sync::{AtomicU64, Ordering};

common::variants! {
    /// What the example measures.
    pub enum Experiment {
        /// Threads race to raise one maximum, every [`MaxMethod`] in turn.
        AtomicMax = "atomic-max": "compare_exchange, compare_exchange_weak, fetch_update, fetch_max: retries counted",
        /// The spin lock of exercise 17.2 against `std::sync::Mutex`.
        SpinLock = "spin-lock": "spin lock vs std Mutex at threads = cores and 4 x cores: when not to spin",
    }
}

/// The ways to raise an atomic maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxMethod {
    /// `compare_exchange` in a loop.
    Strong,
    /// `compare_exchange_weak` in a loop.
    Weak,
    /// Exercise 17.1's `atomic_max` (a `compare_exchange_weak` loop; no retry count).
    Exercise,
    /// `fetch_update` with a closure.
    FetchUpdate,
    /// `fetch_max`.
    FetchMax,
}

impl MaxMethod {
    /// Every method, in table order.
    pub const ALL: [MaxMethod; 5] = [
        Self::Strong,
        Self::Weak,
        Self::Exercise,
        Self::FetchUpdate,
        Self::FetchMax,
    ];

    /// The method as it appears in the table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Strong => "compare_exchange loop",
            Self::Weak => "compare_exchange_weak loop",
            Self::Exercise => "atomic_max (exercise 17.1)",
            Self::FetchUpdate => "fetch_update",
            Self::FetchMax => "fetch_max",
        }
    }

    /// Offers `value` to `cell`; returns how many times a CAS had to retry (0 where unknown).
    pub fn offer(self, cell: &AtomicU64, value: u64) -> u64 {
        match self {
            Self::Strong => {
                let mut retries = 0;
                let mut current = cell.load(Ordering::Relaxed);
                while current < value {
                    match cell.compare_exchange(
                        current,
                        value,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break,
                        Err(actual) => {
                            retries += 1;
                            current = actual;
                        }
                    }
                }
                retries
            }
            Self::Weak => {
                let mut retries = 0;
                let mut current = cell.load(Ordering::Relaxed);
                while current < value {
                    match cell.compare_exchange_weak(
                        current,
                        value,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break,
                        Err(actual) => {
                            retries += 1;
                            current = actual;
                        }
                    }
                }
                retries
            }
            Self::Exercise => {
                atomic_max(cell, value);
                0
            }
            Self::FetchUpdate => {
                // fetch_update calls the closure once per attempt: calls - 1 = retries.
                let calls = Cell::new(0u64);
                let _ = cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                    calls.set(calls.get() + 1);
                    (value > current).then_some(value)
                });
                calls.get().saturating_sub(1)
            }
            Self::FetchMax => {
                cell.fetch_max(value, Ordering::Relaxed);
                0
            }
        }
    }
}

/// What one atomic-max race produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxRun {
    /// The cell's final value.
    pub got: u64,
    /// The largest value any thread offered.
    pub expected: u64,
    /// CAS retries, summed over threads (0 for methods that do not report them).
    pub retries: u64,
    /// Wall-clock time of the race.
    pub elapsed: Duration,
}

/// `threads` threads each offer `per_thread` values to one cell with `method`. Each value is a
/// ticket drawn from a shared counter just before the offer, so nearly every offer is a new
/// maximum and the threads' CASes collide whenever another thread's offer lands between a
/// thread's read and its CAS — the race a CAS loop exists to survive. `seed` varies a little
/// per-thread work between offers, so the threads do not fall into lockstep.
pub fn race_max(method: MaxMethod, threads: usize, per_thread: u64, seed: u64) -> MaxRun {
    let cell = AtomicU64::new(0);
    let tickets = StdU64::new(0);
    let gate = std::sync::Barrier::new(threads);
    let watch = Stopwatch::start();
    let results: Vec<(u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (cell, gate, tickets) = (&cell, &gate, &tickets);
                s.spawn(move || {
                    let mut rng = SplitMix64::for_stream(seed, t as u64);
                    let (mut retries, mut largest) = (0, 0);
                    gate.wait();
                    for _ in 0..per_thread {
                        let value = tickets.fetch_add(1, Std::Relaxed);
                        work(value, rng.below(8) as u32);
                        largest = largest.max(value);
                        retries += method.offer(cell, value);
                    }
                    (retries, largest)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, u64::MAX)))
            .collect()
    });
    MaxRun {
        got: cell.load(Ordering::Relaxed),
        expected: results.iter().map(|r| r.1).max().unwrap_or(0),
        retries: results.iter().map(|r| r.0).sum(),
        elapsed: watch.elapsed(),
    }
}

/// Which lock the throughput test uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// Exercise 17.2's spin lock.
    Spin,
    /// `std::sync::Mutex`: spins briefly, then sleeps in the kernel.
    Mutex,
}

/// What a lock-throughput run measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockRun {
    /// Critical sections completed, per thread.
    pub per_thread: Vec<u64>,
    /// The protected counter at the end: must equal the sum of `per_thread`.
    pub counter: u64,
    /// How long the threads ran.
    pub elapsed: Duration,
}

impl LockRun {
    /// Critical sections per second, all threads together.
    pub fn per_second(&self) -> f64 {
        self.per_thread.iter().sum::<u64>() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A few hundred nanoseconds of real work (an LCG), the same inside and outside the lock.
fn work(seed: u64, rounds: u32) -> u64 {
    let mut x = seed;
    for _ in 0..rounds {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
    std::hint::black_box(x)
}

/// `threads` threads take the lock over and over for `window`, each time adding one to the
/// protected counter after a little work; between turns each does a little work unlocked.
pub fn lock_throughput(kind: LockKind, threads: usize, window: Duration) -> LockRun {
    let spin = SpinLock::new(0u64);
    let mutex = std::sync::Mutex::new(0u64);
    let stop = StdBool::new(false);
    let started = StdU64::new(0);
    let watch = Stopwatch::start();
    let per_thread: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (spin, mutex, stop, started) = (&spin, &mutex, &stop, &started);
                s.spawn(move || {
                    started.fetch_add(1, Std::Relaxed);
                    let mut done = 0u64;
                    while !stop.load(Std::Relaxed) {
                        match kind {
                            LockKind::Spin => {
                                let mut guard = spin.lock();
                                *guard += 1;
                                work(*guard ^ t as u64, 40);
                            }
                            LockKind::Mutex => {
                                let mut guard = common::sync::std_lock(mutex);
                                *guard += 1;
                                work(*guard ^ t as u64, 40);
                            }
                        }
                        done += 1;
                        work(done, 40);
                    }
                    done
                })
            })
            .collect();
        let deadline = Instant::now() + window;
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        stop.store(true, Std::Relaxed);
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    let elapsed = watch.elapsed();
    let counter = match kind {
        LockKind::Spin => spin.into_inner(),
        LockKind::Mutex => mutex
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    };
    LockRun {
        per_thread,
        counter,
        elapsed,
    }
}

/// The example's entry point.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Experiment>()? {
        Experiment::AtomicMax => run_atomic_max(config),
        Experiment::SpinLock => run_spin_lock(config),
    }
}

fn run_atomic_max(config: &RunConfig) -> anyhow::Result<Outcome> {
    let per_thread = config.pick(200_000, 2_000_000);
    let mut table = TableData::new(
        format!(
            "{} threads × {} offers each, one shared maximum",
            config.threads,
            common::format::count(per_thread)
        ),
        &["method", "final", "true maximum", "CAS retries", "time"],
    );
    let mut all_exact = true;
    let mut weak_retries = 0;
    for method in MaxMethod::ALL {
        let run = race_max(method, config.threads, per_thread, config.seed);
        all_exact &= run.got == run.expected;
        if method == MaxMethod::Weak {
            weak_retries = run.retries;
        }
        let retries = match method {
            MaxMethod::Exercise | MaxMethod::FetchMax => "not reported".to_string(),
            _ => common::format::count(run.retries),
        };
        table.row([
            method.name().to_string(),
            common::format::count(run.got),
            common::format::count(run.expected),
            retries,
            common::timing::human(run.elapsed),
        ]);
    }
    Ok(
        config.outcome(Verdict::from(all_exact))
            .count("retries (compare_exchange_weak)", weak_retries, "retries").as_key()
            .flag("every maximum exact", all_exact)
            .table(table)
            .line(if all_exact {
                "every method reached the true maximum: a failed CAS retries from the value it found, so no offer is lost"
            } else {
                "a method missed the true maximum: an offer was lost"
            })
            .line("x86 has no max instruction: fetch_max and fetch_update compile to the same lock cmpxchg loop")
            .notice("a CAS loop never loses an update: it only writes if nothing changed since it read"),
    )
}

fn run_spin_lock(config: &RunConfig) -> anyhow::Result<Outcome> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let window = config.pick(Duration::from_millis(250), Duration::from_secs(1));
    let mut table = TableData::new(
        format!(
            "critical sections per second, {cores} cores, {} per run",
            common::format::duration(window)
        ),
        &["threads", "spin lock", "std Mutex", "spin / mutex"],
    );
    let mut exact = true;
    let mut ratios = Vec::new();
    for threads in [cores, 4 * cores] {
        let spin = lock_throughput(LockKind::Spin, threads, window);
        let mutex = lock_throughput(LockKind::Mutex, threads, window);
        exact &= spin.counter == spin.per_thread.iter().sum::<u64>();
        exact &= mutex.counter == mutex.per_thread.iter().sum::<u64>();
        let ratio = spin.per_second() / mutex.per_second().max(1e-9);
        ratios.push(ratio);
        table.row([
            threads.to_string(),
            common::format::count(spin.per_second().round() as i128),
            common::format::count(mutex.per_second().round() as i128),
            common::format::ratio(ratio),
        ]);
    }
    Ok(
        config.outcome(Verdict::from(exact))
            .key_figure(
                "spin / mutex, threads = 4 x cores",
                ratios[1],
                "x",
            )
            .figure("spin / mutex, threads = cores", ratios[0], "x")
            .table(table)
            .line(if exact {
                "both locks kept every increment: the protected counter equals the sections counted"
            } else {
                "a lock lost an increment: mutual exclusion failed"
            })
            .line("compare the ratios: a spinning waiter holds a core the preempted lock holder needs")
            .notice("spin only when critical sections are tiny and threads <= cores; otherwise let the Mutex park you"),
    )
}
