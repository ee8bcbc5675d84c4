//! The counter that `lost-updates`, `increment-cost` and `serialized` share: the four ways a
//! thread adds its one ([`Method`], which are `lost-updates`' variants) and the state they add
//! to ([`Counter`]).
//!
//! A leaf module: the examples build on it and it knows none of them, so the example that
//! reports a cost and the example that measures it need not import each other.

use common::sync::Mutex;
use common::sync::atomic::{AtomicU64, Ordering};

common::variants! {
    /// How each thread adds its one to the count: the variants of `lost-updates`, and the rows
    /// of `increment-cost`.
    pub enum Method {
        /// Atomic load, pause, atomic store of the value read plus one: a race condition.
        LoadStore = "broken": "atomic load, pause, atomic store: each step atomic, the pair not",
        /// One atomic read-modify-write: `fetch_add(1)`.
        FetchAdd = "fetch-add": "one atomic read-modify-write: fetch_add(1)",
        /// Read, pause and write while holding one lock.
        Mutex = "mutex": "read, pause, write under one lock (the book's fix): correct, serialized",
        /// Each thread counts its own; the sums are added after the join.
        PerThread = "per-thread": "each thread counts its own; the sums are added at the join",
    }
}

impl Method {
    /// What one update looks like, in code.
    pub fn code(self) -> &'static str {
        match self {
            Self::LoadStore => "let seen = c.load(); pause(); c.store(seen + 1)",
            Self::FetchAdd => "pause(); c.fetch_add(1)",
            Self::Mutex => "let mut g = m.lock(); let seen = *g; pause(); *g = seen + 1",
            Self::PerThread => "pause(); mine += 1  (summed at the join)",
        }
    }
}

/// The shared state the threads update: an atomic counter and a counter behind a lock.
#[derive(Debug)]
pub struct Counter {
    atomic: AtomicU64,
    locked: Mutex<u64>,
}

impl Default for Counter {
    fn default() -> Self {
        Self::new()
    }
}

impl Counter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self {
            atomic: AtomicU64::new(0),
            locked: Mutex::new(0),
        }
    }

    /// One thread's work: `increments` updates by `method`, each with `pause()` where the book
    /// sleeps (between the read and the write, when there is a gap to pause in). Returns what
    /// the thread kept for itself: its own count for [`Method::PerThread`], else 0.
    ///
    /// Generic over the pause, so with an empty one the loop costs only the update itself.
    pub fn update(&self, method: Method, increments: u64, pause: impl Fn()) -> u64 {
        // Relaxed is enough for a counter: each update needs atomicity, not ordering with other
        // memory, and joining the threads makes every update visible to the reader.
        match method {
            Method::LoadStore => {
                for _ in 0..increments {
                    // black_box: without pauses the compiler may fuse the loop's loads and
                    // stores into one load and one store (a legal schedule, but then we would
                    // time one update, not `increments` of them).
                    let counter = std::hint::black_box(&self.atomic);
                    let seen = counter.load(Ordering::Relaxed);
                    pause(); // another thread may read the same `seen` now
                    counter.store(seen + 1, Ordering::Relaxed);
                }
                0
            }
            Method::FetchAdd => {
                for _ in 0..increments {
                    pause(); // no gap inside fetch_add to pause in
                    self.atomic.fetch_add(1, Ordering::Relaxed);
                }
                0
            }
            Method::Mutex => {
                for _ in 0..increments {
                    let mut count = common::sync::lock(&self.locked);
                    let seen = *count;
                    pause(); // others wait for the lock: nobody can read a stale value
                    *count = seen + 1;
                }
                0
            }
            Method::PerThread => {
                let mut mine = 0u64;
                for _ in 0..increments {
                    pause();
                    // black_box: count one by one, as the others do, instead of letting the
                    // compiler replace the loop by `mine = increments`.
                    mine = std::hint::black_box(mine) + 1;
                }
                mine
            }
        }
    }

    /// The final count: the shared counter, or the sum of what the threads kept.
    pub fn total(&self, method: Method, kept: &[u64]) -> u64 {
        match method {
            Method::LoadStore | Method::FetchAdd => self.atomic.load(Ordering::Relaxed),
            Method::Mutex => *common::sync::lock(&self.locked),
            Method::PerThread => kept.iter().sum(),
        }
    }
}
