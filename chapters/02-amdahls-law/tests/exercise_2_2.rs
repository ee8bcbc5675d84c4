//! Grading suite of exercise 2.2 (`split_count`), run by `cargo xtask exercise check 2.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_split.rs`. Every check runs on real threads under a watchdog:
//! the concurrency check makes the workers meet at a barrier, so a split that runs its chunks one
//! after another waits forever there — and the watchdog reports the stall instead of hanging the
//! grader. (No model-checker pass: shuttle has no `thread::scope`, and the lesson is the split.)

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Barrier, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use chapter_2::primes::{BOOK_PRIMES, book_range, is_prime};
use chapter_2::split::{Split, split_count};
use common::testing::assert_finished;
use common::watchdog::{Watchdog, WorkerCtx, worker};

/// Runs `check` on a watched thread; fails with the watchdog's report if it stalls (no test call
/// for 3 s: a worker stuck at the barrier, or a deadlock) or panics.
fn graded(name: &str, check: impl FnOnce(&WorkerCtx) + Send + 'static) {
    let report = Watchdog::new(Duration::from_secs(30))
        .stall_after(Duration::from_secs(3))
        .run(vec![worker(name, check)]);
    assert_finished(
        &report,
        &format!("{name}: do the chunks run on threads of their own, all at once?"),
    );
}

/// Checks the shape of a split of `range` on `workers` workers against `test`.
fn check_split(split: &Split, range: Range<u64>, workers: usize, test: &dyn Fn(u64) -> bool) {
    assert_eq!(
        split.workers.len(),
        workers,
        "one WorkerTiming per worker, got {:?}",
        split.workers
    );
    let len = range.end - range.start;
    let mut next = range.start;
    for (i, w) in split.workers.iter().enumerate() {
        assert_eq!(
            w.chunk.start,
            next,
            "chunk {i} should start where chunk {} ended: {:?}",
            i.saturating_sub(1),
            split.workers.iter().map(|w| &w.chunk).collect::<Vec<_>>()
        );
        let expected = len / workers as u64 + u64::from((i as u64) < len % workers as u64);
        assert_eq!(
            w.chunk.end - w.chunk.start,
            expected,
            "chunk {i} of {len} integers on {workers} workers should hold {expected}: {:?}",
            split.workers.iter().map(|w| &w.chunk).collect::<Vec<_>>()
        );
        let hits = w.chunk.clone().filter(|&n| test(n)).count();
        assert_eq!(w.hits, hits, "worker {i}'s hits in {:?}", w.chunk);
        next = w.chunk.end;
    }
    assert_eq!(next, range.end, "the chunks must cover the range");
    let total = range.filter(|&n| test(n)).count();
    assert_eq!(split.hits, total, "the total count");
}

#[test]
fn the_book_sweep_finds_34_primes_on_1_to_5_workers() {
    graded("book sweep", |ctx| {
        for workers in 1..=5 {
            let counted = |n: u64| {
                ctx.progress();
                is_prime(n)
            };
            let split = split_count(book_range(1_000), workers, &counted);
            assert_eq!(split.hits, BOOK_PRIMES, "{workers} workers");
            check_split(&split, book_range(1_000), workers, &is_prime);
        }
    });
}

#[test]
fn uneven_and_tiny_ranges_split_evenly() {
    graded("uneven ranges", |ctx| {
        let odd = |n: u64| {
            ctx.progress();
            n % 2 == 1
        };
        for (range, workers) in [(0..10, 3), (5..6, 4), (7..7, 2), (0..1_003, 7), (0..64, 64)] {
            let split = split_count(range.clone(), workers, &odd);
            check_split(&split, range, workers, &|n| n % 2 == 1);
        }
        // Zero workers counts as one.
        let split = split_count(0..10, 0, &odd);
        check_split(&split, 0..10, 1, &|n| n % 2 == 1);
    });
}

#[test]
fn every_chunk_runs_on_its_own_thread_all_at_once() {
    graded("barrier", |ctx| {
        for workers in [2, 3, 4] {
            // Each thread, on its first test, waits until all `workers` threads have arrived:
            // only threads running at the same time can all get past.
            let barrier = Barrier::new(workers);
            let seen: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
            let test = |n: u64| {
                let me = std::thread::current().id();
                let first = seen.lock().map(|mut s| s.insert(me)).unwrap_or(false);
                if first {
                    barrier.wait();
                }
                ctx.progress();
                n.is_multiple_of(3)
            };
            let split = split_count(0..(10 * workers as u64), workers, &test);
            check_split(&split, 0..(10 * workers as u64), workers, &|n| n % 3 == 0);
            let threads = seen.lock().map(|s| s.len()).unwrap_or(0);
            assert_eq!(
                threads, workers,
                "{workers} workers ran on {threads} threads"
            );
            assert!(
                !seen
                    .lock()
                    .map(|s| s.contains(&std::thread::current().id()))
                    .unwrap_or(true),
                "a chunk ran on the calling thread: give every chunk a spawned thread"
            );
        }
    });
}

#[test]
fn each_worker_times_its_own_chunk() {
    graded("timings", |ctx| {
        // 4 chunks of 10; each holds one multiple of 10, whose test sleeps 20 ms. A worker's own
        // time must include its sleep and fit inside the whole call: bounds a sleep guarantees.
        let pause = Duration::from_millis(20);
        let slow = |n: u64| {
            ctx.progress();
            if n.is_multiple_of(10) {
                std::thread::sleep(pause);
            }
            n.is_multiple_of(10)
        };
        let started = Instant::now();
        let split = split_count(0..40, 4, &slow);
        let whole = started.elapsed();
        check_split(&split, 0..40, 4, &|n| n % 10 == 0);
        for (i, w) in split.workers.iter().enumerate() {
            assert!(
                w.elapsed >= pause,
                "worker {i} slept {pause:?} but reports {:?}",
                w.elapsed
            );
            assert!(
                w.elapsed <= whole,
                "worker {i} reports {:?}, longer than the whole call ({whole:?})",
                w.elapsed
            );
        }
    });
}

/// The test closure borrows local state, shared by reference with every worker.
#[test]
fn every_integer_is_tested_exactly_once() {
    graded("borrowing", |ctx| {
        let calls = std::sync::atomic::AtomicU64::new(0);
        let counting = |n: u64| {
            ctx.progress();
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            n < 50
        };
        let split = split_count(0..100, 4, &counting);
        assert_eq!(split.hits, 50);
        assert_eq!(
            calls.load(std::sync::atomic::Ordering::Relaxed),
            100,
            "every integer tested exactly once"
        );
    });
}
