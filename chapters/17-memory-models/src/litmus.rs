//! Litmus tests: two tiny threads, two shared variables, and the question "which final values
//! can the two threads read?" — run many times on real threads, or exhaustively under loom.
//!
//! A litmus test is the memory model's unit test. Its *outcome* is the pair of values the two
//! threads read. The model says which outcomes are allowed; hardware and compiler may produce
//! any allowed outcome, however rare. This file holds the thread bodies of the two classic tests
//! (store buffering and message passing), one per memory ordering, written against
//! [`crate::sync`] so loom checks exactly these functions, and [`race`], the harness that runs a
//! body pair over and over on two real threads, each trial starting both threads together.
//!
//! Run: `cargo run --release -p chapter-17 -- run store-buffering` (and `message-passing`).
//! Book section: chapter 17, "Memory models" (the book's examples are GIL-level; the litmus tests
//! are the hardware-level view the chapter's text describes).

use std::sync::atomic::{AtomicBool as StdBool, AtomicU64 as StdU64, Ordering as Std};
use std::time::{Duration, Instant};

use crate::sync::{AtomicU64, Ordering, fence};

common::variants! {
    /// The memory orderings the litmus tests compare. They are also `store-buffering`'s
    /// variants, which try every one, so each summary says what the ordering does to that test.
    pub enum Order {
        /// Every access `Relaxed`: atomic, and nothing more.
        Relaxed = "relaxed": "Relaxed stores and loads: the weak outcome shows (x86's store buffer)",
        /// Stores `Release`, loads `Acquire`.
        ReleaseAcquire = "release-acquire": "Release stores, Acquire loads: still shows; acquire/release does not order a store before a load",
        /// Every access `SeqCst`.
        SeqCst = "seq-cst": "SeqCst stores and loads: never shows",
        /// `Relaxed` accesses with a `fence(SeqCst)` between a thread's store and its load.
        Fence = "fence": "Relaxed accesses with fence(SeqCst) between store and load: never shows",
    }
}

impl Order {
    /// Whether the memory model allows store buffering's `r1 = r2 = 0` under this ordering:
    /// only a full barrier between a thread's store and its load rules it out.
    pub fn allows_store_buffering(self) -> bool {
        match self {
            Self::Relaxed | Self::ReleaseAcquire => true,
            Self::SeqCst | Self::Fence => false,
        }
    }

    /// The ordering a store uses.
    pub fn store(self) -> Ordering {
        match self {
            Self::Relaxed | Self::Fence => Ordering::Relaxed,
            Self::ReleaseAcquire => Ordering::Release,
            Self::SeqCst => Ordering::SeqCst,
        }
    }

    /// The ordering a load uses.
    pub fn load(self) -> Ordering {
        match self {
            Self::Relaxed | Self::Fence => Ordering::Relaxed,
            Self::ReleaseAcquire => Ordering::Acquire,
            Self::SeqCst => Ordering::SeqCst,
        }
    }
}

/// One thread of *store buffering*: write my flag, then read the other's.
///
/// Thread A runs `sb_thread(x, y)` and thread B `sb_thread(y, x)`. If every access took effect in
/// program order, whichever thread went second would read 1, so `r1 = r2 = 0` would be
/// impossible. It is not: a store may wait in the core's store buffer while the later load
/// already reads memory, so both threads can read the old 0. Only a full barrier between the
/// store and the load (`SeqCst` on both, or a `SeqCst` fence) rules that out.
pub fn sb_thread(mine: &AtomicU64, other: &AtomicU64, order: Order) -> u64 {
    mine.store(1, order.store());
    match order {
        Order::Fence => fence(Ordering::SeqCst),
        Order::Relaxed | Order::ReleaseAcquire | Order::SeqCst => {}
    }
    other.load(order.load())
}

/// The writer of *message passing*: write the data, then raise the flag.
pub fn mp_writer(data: &AtomicU64, flag: &AtomicU64, order: Order) {
    data.store(42, Ordering::Relaxed);
    flag.store(1, order.store());
}

/// The reader of *message passing*: read the flag, then the data. Returns `(flag, data)`.
///
/// With `Release`/`Acquire` on the flag, a reader that sees the flag raised also sees every write
/// the writer made before raising it: `(1, 0)` is impossible. With `Relaxed` on the flag nothing
/// ties the two variables together and `(1, 0)` — the flag without the message — is allowed.
pub fn mp_reader(data: &AtomicU64, flag: &AtomicU64, order: Order) -> (u64, u64) {
    let seen = flag.load(order.load());
    (seen, data.load(Ordering::Relaxed))
}

/// How many times each of the four outcomes `(a, b)` with `a, b ∈ {0, 1}` was seen, and how
/// many trials ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Histogram {
    /// `counts[2 * a + b]`: how often thread A returned `a` and thread B returned `b`.
    pub counts: [u64; 4],
    /// Trials whose outcome was not one of the four: a thread read a value no thread of the test
    /// writes. Kept apart rather than folded into a bucket, so a broken harness or platform shows.
    pub other: u64,
    /// Trials thread A ran, counted as it ran them rather than summed from the buckets: a trial
    /// that went missing between the threads and the buckets, or was counted twice, makes the
    /// two disagree.
    pub ran: u64,
}

impl Histogram {
    /// How often the outcome `(a, b)` was seen (`a, b ∈ {0, 1}`).
    pub fn count(&self, a: u64, b: u64) -> u64 {
        self.counts[(2 * a.min(1) + b.min(1)) as usize]
    }

    /// All trials that ran.
    pub fn trials(&self) -> u64 {
        self.ran
    }

    /// The trials the buckets hold, [`Histogram::other`] included: equal to
    /// [`Histogram::trials`] when every trial was classified exactly once.
    pub fn counted(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.other
    }

    fn record(&mut self, (a, b): (u64, u64)) {
        if a <= 1 && b <= 1 {
            self.counts[(2 * a + b) as usize] += 1;
        } else {
            self.other += 1;
        }
    }

    fn add(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self.other += other.other;
        self.ran += other.ran;
    }
}

/// How long and in what batches [`race`] runs.
#[derive(Debug, Clone, Copy)]
pub struct RaceConfig {
    /// Trials per batch: each batch gets fresh variables, so no trial has to reset any.
    pub batch: usize,
    /// Keep starting batches until this much time has passed (at least one batch runs).
    pub budget: Duration,
    /// Never run more than this many batches.
    pub max_batches: usize,
    /// Stop early once outcome `.0` has been seen `.1` times (the weak outcome, counted often
    /// enough to report a rate): a loaded machine then still gets its trials in.
    pub enough: Option<((u64, u64), u64)>,
}

/// Runs the body pair `a`, `b` trial after trial on two real threads and counts the outcomes.
///
/// Each trial uses its own pair of zeroed variables (`x[i]`, `y[i]`). Before trial `i` both
/// threads meet at a spin barrier, so they start the trial within a cache-line transfer of each
/// other: a weak outcome needs the two threads' accesses to overlap by a few nanoseconds, which
/// a thread start or a sleeping wait would never give. Thread A also delays by a few spins,
/// varying from trial to trial, so the two threads' relative timing sweeps across the window.
///
/// Errors if a barrier wait exceeds a second (the other thread died, or the machine is so
/// overloaded that the threads barely run): the run ends instead of spinning forever.
pub fn race<A, B>(config: RaceConfig, a: A, b: B) -> anyhow::Result<Histogram>
where
    A: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
    B: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
{
    race_classified(config, a, b, |ra, rb| (ra, rb))
}

/// [`race`], with the outcome `(a, b)` of a trial computed by `classify` from the two threads'
/// return values (message passing's reader returns both its reads, encoded in one value).
pub fn race_classified<A, B>(
    config: RaceConfig,
    a: A,
    b: B,
    classify: fn(u64, u64) -> (u64, u64),
) -> anyhow::Result<Histogram>
where
    A: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
    B: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
{
    let deadline = Instant::now() + config.budget;
    let mut total = Histogram::default();
    for _ in 0..config.max_batches.max(1) {
        total.add(&race_batch(config.batch, deadline, &a, &b, classify)?);
        let enough = config
            .enough
            .is_some_and(|((x, y), n)| total.count(x, y) >= n);
        if enough || Instant::now() >= deadline {
            break;
        }
    }
    Ok(total)
}

fn race_batch<A, B>(
    trials: usize,
    deadline: Instant,
    a: &A,
    b: &B,
    classify: fn(u64, u64) -> (u64, u64),
) -> anyhow::Result<Histogram>
where
    A: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
    B: Fn(&AtomicU64, &AtomicU64) -> u64 + Sync,
{
    let x: Vec<AtomicU64> = (0..trials).map(|_| AtomicU64::new(0)).collect();
    let y: Vec<AtomicU64> = (0..trials).map(|_| AtomicU64::new(0)).collect();
    let barrier = SpinBarrier::default();
    // Set by thread A before it arrives at a trial's barrier, read by both after it: the two
    // threads stop at the same trial, so neither waits at a barrier the other never reaches.
    let stop_at = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let (ra, rb) = std::thread::scope(|s| {
        let side_a = s.spawn(|| {
            let mut out = Vec::with_capacity(trials);
            for i in 0..trials {
                if i % 16 == 15 && Instant::now() >= deadline {
                    stop_at.store(i, Std::Relaxed);
                }
                barrier.wait(i)?;
                if i >= stop_at.load(Std::Relaxed) {
                    break;
                }
                for _ in 0..(i % 8) {
                    std::hint::spin_loop();
                }
                out.push(a(&x[i], &y[i]));
            }
            Ok::<_, anyhow::Error>(out)
        });
        let side_b = s.spawn(|| {
            let mut out = Vec::with_capacity(trials);
            for i in 0..trials {
                barrier.wait(i)?;
                if i >= stop_at.load(Std::Relaxed) {
                    break;
                }
                out.push(b(&x[i], &y[i]));
            }
            Ok::<_, anyhow::Error>(out)
        });
        let ra = join(side_a);
        let rb = join(side_b);
        (ra, rb)
    });
    let (ra, rb) = (ra?, rb?);
    let mut histogram = Histogram {
        ran: ra.len() as u64,
        ..Histogram::default()
    };
    for (&ra, &rb) in ra.iter().zip(&rb) {
        histogram.record(classify(ra, rb));
    }
    Ok(histogram)
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, anyhow::Result<T>>) -> anyhow::Result<T> {
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("a litmus thread panicked"))?
}

/// A two-thread barrier for trial `i`: each arrival bumps a counter; trial `i` may start once it
/// reaches `2 * (i + 1)`. Real `std` atomics: this is the harness, not the code under test.
#[derive(Debug, Default)]
struct SpinBarrier {
    arrived: StdU64,
    abandoned: StdBool,
}

impl SpinBarrier {
    fn wait(&self, trial: usize) -> anyhow::Result<()> {
        let target = 2 * (trial as u64 + 1);
        self.arrived.fetch_add(1, Std::AcqRel);
        let mut spins = 0u32;
        let mut since: Option<Instant> = None;
        while self.arrived.load(Std::Acquire) < target {
            if self.abandoned.load(Std::Relaxed) {
                anyhow::bail!("the other litmus thread gave up");
            }
            spins += 1;
            if spins < 1_024 {
                std::hint::spin_loop();
                continue;
            }
            spins = 0;
            let waited = since.get_or_insert_with(Instant::now).elapsed();
            // A trial only counts when both threads are on cores at once. On a machine busy
            // with other work the partner may be waiting for a core: keep this one (spin) for a
            // few milliseconds, about a scheduler slice, so that when the partner gets the other
            // core the two overlap. Yielding at once gave the core away and, under load, the two
            // threads took turns and hardly ever overlapped. Past that, yield; after 1 s, give up.
            if waited > Duration::from_secs(1) {
                self.abandoned.store(true, Std::Relaxed);
                anyhow::bail!("the other litmus thread did not arrive within 1 s");
            }
            if waited > Duration::from_millis(50) {
                std::thread::yield_now();
            }
        }
        Ok(())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn orders_parse_and_map_to_accesses() {
        use common::Variants;
        let parse = |name| Order::parse(name).expect("one of store-buffering's variants");
        assert_eq!(parse("relaxed").store(), Ordering::Relaxed);
        assert_eq!(parse("release-acquire").load(), Ordering::Acquire);
        assert_eq!(parse("seq-cst").store(), Ordering::SeqCst);
        assert_eq!(parse("fence").load(), Ordering::Relaxed);
        assert_eq!(Order::parse("acquire"), None);
    }

    #[test]
    fn one_thread_alone_reads_what_it_should() {
        let (x, y) = (AtomicU64::new(0), AtomicU64::new(0));
        assert_eq!(sb_thread(&x, &y, Order::SeqCst), 0);
        assert_eq!(sb_thread(&y, &x, Order::SeqCst), 1);
        mp_writer(&x, &y, Order::ReleaseAcquire);
        assert_eq!(mp_reader(&x, &y, Order::ReleaseAcquire), (1, 42));
    }

    #[test]
    fn the_harness_counts_every_trial_once() {
        let config = RaceConfig {
            batch: 1_000,
            budget: Duration::from_secs(60),
            max_batches: 3,
            enough: None,
        };
        let h = race(config, |_, _| 1, |_, _| 0).expect("runs");
        assert_eq!(h.trials(), 3_000);
        assert_eq!(h.counted(), 3_000);
        assert_eq!(h.count(1, 0), 3_000);
        let odd = race(config, |_, _| 2, |_, _| 0).expect("runs");
        assert_eq!((odd.other, odd.counted()), (3_000, 3_000), "{odd:?}");
        let early = RaceConfig {
            enough: Some(((1, 0), 10)),
            ..config
        };
        assert_eq!(
            race(early, |_, _| 1, |_, _| 0).expect("runs").trials(),
            1_000
        );
        let out_of_time = RaceConfig {
            budget: Duration::ZERO,
            ..config
        };
        let h = race(out_of_time, |_, _| 1, |_, _| 0).expect("runs");
        assert!(h.trials() < 1_000, "stops within a batch at the deadline");
    }
}
