//! Micro-benchmarks of the chapter's counters: the cost of one increment of `MutexCounter`
//! (`Mutex<u64>`), `AtomicCounter` (`AtomicU64::fetch_add`), `ShardedCounter` (one padded atomic
//! per thread, summed on read) and the approximate counter of exercise 16.1 — alone, and with 2
//! and 4 threads incrementing the same counter at once — plus the cost of one read of each.
//!
//! These are the library's own types (`chapter_16::counters`), the ones the `counters` example
//! times as a whole run; here divan times single operations, many samples each, and reports the
//! median time per increment *as seen by each thread*. Book: chapter 16, the locked counter that
//! does not scale and the approximate counter (`example3.py`, `example4.py`).
//!
//! Run: `cargo bench -p chapter-16 --bench counters` (a few seconds). `cargo test -p chapter-16
//! --benches` runs every bench once, as a smoke test.
//!
//! Expect, on a 2-core machine: alone, a mutex increment costs a few times an atomic one (lock
//! and unlock are two atomic operations plus the check for waiters), a sharded increment a little
//! more than an atomic one (the thread-local slot lookup), and the approximate counter a mutex
//! increment plus its bookkeeping. When two threads really run at the same instant, mutex and
//! atomic get slower per increment — every increment moves the counter's cache line between the
//! cores, and the mutex's losers spin or park — while sharded stays flat: each thread writes its
//! own cache line. On a shared 2-core machine busy with other work the threads often take turns
//! instead of overlapping, and the 2-thread figures stay close to the 1-thread ones. With 4
//! threads on 2 cores the figures include time a thread waited for a core (a thread descheduled
//! while holding the mutex stalls the others), so read them as latency under oversubscription,
//! not as more parallelism. A noisy machine moves every figure by tens of per cent between runs:
//! compare rows, not digits.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use chapter_16::approximate_counter::ApproximateCounter;
use chapter_16::counter_kinds::{AtomicCounter, Counter, MutexCounter, ShardedCounter};
use chapter_16::counters::THRESHOLD;

fn main() {
    divan::main();
}

/// The most threads any bench here runs: the sharded and approximate counters get one slot each.
const SLOTS: usize = 4;

/// Hands each benchmarking thread a distinct slot number the first time it asks. Divan reuses
/// its threads (the main thread and up to `SLOTS - 1` helpers) for every bench, so the numbers
/// stay below `SLOTS` and two threads running at once never share a shard.
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SLOT: usize = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
}

/// This thread's slot. Every counter's bench calls it, so the thread-local lookup (about a
/// nanosecond) is the same overhead in every row.
fn slot() -> usize {
    SLOT.with(|slot| *slot)
}

/// One increment per iteration, by every thread at once.
///
/// Divan starts a sample's threads together at a barrier, but on a busy machine the second
/// thread may wait milliseconds for a core. So a sample is a million increments (2–50 ms): with
/// short samples one thread would often finish before the other began, and "contended" would
/// time one thread alone (a probe on this machine under load: with 100 000 a sample, two threads
/// were inside the loop at the same time for 5 % of the increments; with 5 million, for 80 %).
/// 20 samples (split among the threads), at most half a second per bench, keep the whole file
/// within seconds.
#[divan::bench_group(threads = [1, 2, 4], sample_size = 1_000_000, sample_count = 20, max_time = 0.5)]
mod increment {
    use super::*;

    #[divan::bench]
    fn mutex(bencher: divan::Bencher) {
        let counter = MutexCounter::default();
        bencher.bench(|| counter.increment(slot()));
    }

    #[divan::bench]
    fn atomic(bencher: divan::Bencher) {
        let counter = AtomicCounter::default();
        bencher.bench(|| counter.increment(slot()));
    }

    #[divan::bench]
    fn sharded(bencher: divan::Bencher) {
        let counter = ShardedCounter::new(SLOTS);
        bencher.bench(|| counter.increment(slot()));
    }

    /// Exercise 16.1's counter with the `counters` example's threshold: a per-thread lock nobody
    /// else takes, and a trip to the global lock once every `THRESHOLD` increments.
    #[divan::bench]
    fn approximate(bencher: divan::Bencher) {
        let counter = ApproximateCounter::new(SLOTS, THRESHOLD);
        bencher.bench(|| Counter::increment(&counter, slot()));
    }
}

/// One read, single-threaded: what the sharded counter pays for its cheap increments (it sums
/// `SLOTS` cache lines), against one load (atomic) or one lock (mutex, approximate).
#[divan::bench_group(sample_size = 1000, sample_count = 200, max_time = 0.5)]
mod read {
    use super::*;

    #[divan::bench]
    fn mutex(bencher: divan::Bencher) {
        let counter = MutexCounter::default();
        bencher.bench(|| black_box(&counter).read());
    }

    #[divan::bench]
    fn atomic(bencher: divan::Bencher) {
        let counter = AtomicCounter::default();
        bencher.bench(|| black_box(&counter).read());
    }

    #[divan::bench]
    fn sharded(bencher: divan::Bencher) {
        let counter = ShardedCounter::new(SLOTS);
        bencher.bench(|| black_box(&counter).read());
    }

    #[divan::bench]
    fn approximate(bencher: divan::Bencher) {
        let counter = ApproximateCounter::new(SLOTS, THRESHOLD);
        bencher.bench(|| Counter::read(black_box(&counter)));
    }
}
