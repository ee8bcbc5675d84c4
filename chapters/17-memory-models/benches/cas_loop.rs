//! Micro-benchmarks of compare-and-swap loops: what one update costs when it is a CAS loop
//! rather than one read-modify-write instruction, alone and with two threads updating the same
//! atomic.
//!
//! - `increment`: adding one to an `AtomicU64` with a `compare_exchange` loop, a
//!   `compare_exchange_weak` loop, `fetch_update` (the loop written for you), and `fetch_add`
//!   (one `lock xadd` on x86: no loop, it cannot fail). The chapter's own CAS loops raise a
//!   maximum, not a count, so these increment loops are written here, in the same shape.
//! - `atomic_max`: the chapter's `cas_loop::MaxMethod::offer` — the very code the `cas-loop`
//!   example races — each thread offering 1, 2, 3, … so that nearly every offer raises the
//!   maximum: the `compare_exchange` and `compare_exchange_weak` loops, exercise 17.1's
//!   `atomic_max`, `fetch_update` and `fetch_max`.
//!
//! Run: `cargo bench -p chapter-17 --bench cas_loop` (a few seconds). `cargo test -p chapter-17
//! --benches` runs each bench once, as a smoke test.
//!
//! Expect, on a 2-core x86-64 machine: alone, every method costs about the same, a few ns — one
//! locked instruction each (`lock cmpxchg` or `lock xadd`), and on x86 the weak and the strong
//! CAS are the same instruction (`_weak` differs on ARM and POWER, where it may fail spuriously
//! and is cheaper inside a loop). With two threads, every update moves the cache line between the
//! cores, and a CAS loop also pays for its failed attempts: the other thread's write landed
//! between the load and the CAS, so it reloads and tries again. `fetch_add` never retries. How
//! much two threads cost depends on whether they really run at the same instant: on a shared
//! 2-core machine whose cores are busy with other work they often take turns instead, and the
//! two-thread figures come out close to the one-thread ones. Compare rows, not digits.
//! Book: chapter 17, "Operations on atomic types" (compare-and-swap).

use std::cell::Cell;
use std::sync::atomic::Ordering;

use chapter_17::cas_loop::MaxMethod;
use chapter_17::sync::AtomicU64;

fn main() {
    divan::main();
}

/// Adds one with a `compare_exchange` loop: read, try to swap in read + 1, and on failure
/// start again from the value the failed CAS found.
fn increment_strong(cell: &AtomicU64) {
    let mut current = cell.load(Ordering::Relaxed);
    while let Err(actual) = cell.compare_exchange(
        current,
        current.wrapping_add(1),
        Ordering::Relaxed,
        Ordering::Relaxed,
    ) {
        current = actual;
    }
}

/// The same with `compare_exchange_weak`, which may also fail spuriously (harmless in a loop).
fn increment_weak(cell: &AtomicU64) {
    let mut current = cell.load(Ordering::Relaxed);
    while let Err(actual) = cell.compare_exchange_weak(
        current,
        current.wrapping_add(1),
        Ordering::Relaxed,
        Ordering::Relaxed,
    ) {
        current = actual;
    }
}

/// One increment per iteration, by every thread at once.
///
/// A sample is a million increments (2–50 ms): divan starts a sample's threads at a barrier, but
/// on a busy machine the second thread may wait milliseconds for a core, and with short samples
/// one thread would often finish before the other began. 20 samples (split among the threads),
/// at most half a second per bench.
#[divan::bench_group(threads = [1, 2], sample_size = 1_000_000, sample_count = 20, max_time = 0.5)]
mod increment {
    use super::*;

    #[divan::bench]
    fn compare_exchange(bencher: divan::Bencher) {
        let cell = AtomicU64::new(0);
        bencher.bench(|| increment_strong(&cell));
    }

    #[divan::bench]
    fn compare_exchange_weak(bencher: divan::Bencher) {
        let cell = AtomicU64::new(0);
        bencher.bench(|| increment_weak(&cell));
    }

    #[divan::bench]
    fn fetch_update(bencher: divan::Bencher) {
        let cell = AtomicU64::new(0);
        bencher.bench(|| {
            cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                Some(current.wrapping_add(1))
            })
        });
    }

    #[divan::bench]
    fn fetch_add(bencher: divan::Bencher) {
        let cell = AtomicU64::new(0);
        bencher.bench(|| cell.fetch_add(1, Ordering::Relaxed));
    }
}

/// Bumped by every `atomic_max` bench as it starts, so each thread's offers restart from 1.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// (generation, last value offered) of this thread. Divan reuses its threads from bench to
    /// bench; without the reset, the main thread would carry on from millions while a helper
    /// thread started at 1, and all of the helper's offers would be below the maximum.
    static LAST_OFFER: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// This thread's next offer in bench `generation`: 1, 2, 3, …
fn next_offer(generation: u64) -> u64 {
    LAST_OFFER.with(|last| {
        let (seen, value) = last.get();
        let next = if seen == generation { value + 1 } else { 1 };
        last.set((generation, next));
        next
    })
}

/// One offer per iteration, through the chapter's `MaxMethod::offer`. With two threads both
/// count up from 1 at about the same pace: an offer either raises the maximum (a CAS that may
/// retry) or finds it already higher (a load, no CAS).
#[divan::bench(
    args = MaxMethod::ALL,
    threads = [1, 2],
    sample_size = 1_000_000,
    sample_count = 20,
    max_time = 0.5
)]
fn atomic_max(bencher: divan::Bencher, method: MaxMethod) {
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let cell = AtomicU64::new(0);
    bencher.bench(|| method.offer(&cell, next_offer(generation)));
}
