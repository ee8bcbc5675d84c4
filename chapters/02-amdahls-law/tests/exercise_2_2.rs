//! Grading suite of exercise 2.2 (`split_count`), run by `cargo xtask exercise check 2.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_split.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Every check runs on real threads under a watchdog. The
//! concurrency check makes the workers meet at a barrier, so a split that runs its chunks one
//! after another waits forever there, and the watchdog reports the stall instead of hanging the
//! grader. The order check makes the first chunk's thread finish last (it waits until the other
//! threads have ended, as `/proc/self/task` shows), so results gathered in finishing order come
//! back out of chunk order on every run. (No model-checker pass: the lesson is the split, and
//! the barrier and `/proc` need real threads.)

/// The tests, against the split module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::collections::HashSet;
        use std::ops::Range;
        use std::sync::{Barrier, Mutex};
        use std::thread::ThreadId;
        use std::time::{Duration, Instant};

        use $($module)::+::{Split, split_count};
        use chapter_2::primes::{BOOK_PRIMES, book_range, is_prime};
        use common::testing::assert_finished;
        use common::watchdog::{Watchdog, WorkerCtx, worker};

        /// What to look at when a check hangs.
        const ALL_AT_ONCE: &str = "do the chunks run on threads of their own, all at once?";

        /// Runs `check` on a watched thread; fails with the watchdog's report and `hint` if it
        /// stalls (no test call for 3 s: a worker stuck at the barrier, or a deadlock) or panics.
        fn graded(name: &str, hint: &str, check: impl FnOnce(&WorkerCtx) + Send + 'static) {
            let report = Watchdog::new(Duration::from_secs(30))
                .stall_after(Duration::from_secs(3))
                .run(vec![worker(name, check)]);
            assert_finished(&report, &format!("{name}: {hint}"));
        }

        /// Checks the shape of a split of `range` on `workers` workers against `test`: order,
        /// coverage, lengths, hits, in that order, so the message names the first fault.
        fn check_split(split: &Split, range: Range<u64>, workers: usize, test: &dyn Fn(u64) -> bool) {
            let chunks: Vec<&Range<u64>> = split.workers.iter().map(|w| &w.chunk).collect();
            assert_eq!(
                split.workers.len(),
                workers,
                "one WorkerTiming per worker, got {} for {workers}: {chunks:?}",
                split.workers.len()
            );
            assert!(
                chunks.windows(2).all(|w| w[0].start <= w[1].start),
                "the WorkerTimings must come in chunk order, whichever thread finishes first: \
                 got the chunks {chunks:?}"
            );
            let len = range.end - range.start;
            let mut next = range.start;
            for (i, chunk) in chunks.iter().enumerate() {
                assert!(
                    chunk.start <= next,
                    "{next}..{} never tested: chunk {i} starts at {}, not where the one before \
                     ended ({chunks:?})",
                    chunk.start,
                    chunk.start
                );
                assert!(
                    chunk.start == next,
                    "chunk {i} overlaps the one before, so {}..{next} is tested twice: {chunks:?}",
                    chunk.start
                );
                next = chunk.end;
            }
            assert!(
                next >= range.end,
                "{next}..{} never tested: the chunks must cover the range {range:?}, the remainder \
                 too when {workers} workers do not divide {len} integers ({chunks:?})",
                range.end
            );
            assert_eq!(next, range.end, "the chunks run past the range {range:?}: {chunks:?}");
            for (i, chunk) in chunks.iter().enumerate() {
                let expected = len / workers as u64 + u64::from((i as u64) < len % workers as u64);
                assert_eq!(
                    chunk.end - chunk.start,
                    expected,
                    "chunk {i} of {len} integers on {workers} workers should hold {expected}: the \
                     lengths differ by at most one, the longer ones first ({chunks:?})"
                );
            }
            for (i, w) in split.workers.iter().enumerate() {
                let hits = w.chunk.clone().filter(|&n| test(n)).count();
                assert_eq!(w.hits, hits, "worker {i}'s hits in {:?}", w.chunk);
            }
            let total = range.filter(|&n| test(n)).count();
            assert_eq!(split.hits, total, "the total count");
        }

#[test]
fn the_book_sweep_finds_34_primes_on_1_to_5_workers() {
    graded("book sweep", ALL_AT_ONCE, |ctx| {
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
    graded("uneven ranges", ALL_AT_ONCE, |ctx| {
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
    graded(
        "barrier",
        "the workers never met at the barrier, so the chunks did not all run at the same time: \
         is each thread joined before the next one is spawned?",
        |ctx|  {
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
    graded("timings", ALL_AT_ONCE, |ctx| {
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
    graded("borrowing", ALL_AT_ONCE, |ctx| {
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

/// This thread's kernel id, from the `/proc/thread-self` link (`<pid>/task/<tid>`).
fn kernel_tid() -> u32 {
    let link = std::fs::read_link("/proc/thread-self").expect("Linux has /proc");
    link.file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.parse().ok())
        .expect("/proc/thread-self ends in the thread id")
}

/// Whether thread `tid` of this process has ended (its `/proc/self/task` entry is gone).
fn has_ended(tid: u32) -> bool {
    !std::path::Path::new(&format!("/proc/self/task/{tid}")).exists()
}

/// 3 chunks of 10; the thread of chunk 0 does its last test only once the threads of chunks 1
/// and 2 have ended, so it finishes last on every run: results gathered as the threads finish
/// come back out of chunk order.
#[test]
fn results_come_back_in_chunk_order_whoever_finishes_first() {
    graded(
        "order",
        "the first chunk's thread waits for the others to end: do the chunks run on threads \
         of their own, all at once?",
        |ctx| {
            // The kernel ids of the threads of chunks 1 and 2, as they start.
            let others: Mutex<HashSet<u32>> = Mutex::new(HashSet::new());
            let last_of_chunk_0 = |n: u64| {
                if n >= 10 {
                    if let Ok(mut others) = others.lock() {
                        others.insert(kernel_tid());
                    }
                    ctx.progress();
                } else if n == 9 {
                    // Stay in the test until two other threads have started and ended; report
                    // no progress meanwhile, so if they never run the watchdog says so.
                    loop {
                        let ended = others
                            .lock()
                            .map(|o| o.len() == 2 && o.iter().all(|&t| has_ended(t)))
                            .unwrap_or(false);
                        if ended || ctx.should_stop() {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                n % 2 == 1
            };
            let split = split_count(0..30, 3, &last_of_chunk_0);
            check_split(&split, 0..30, 3, &|n| n % 2 == 1);
        },
    );
}
    };
}

/// The learner's split (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_2::split);
}

#[cfg(mutants)]
mod e2_drops_remainder {
    suite!(chapter_2::mutants::e2_drops_remainder);
}

#[cfg(mutants)]
mod e2_finish_order {
    suite!(chapter_2::mutants::e2_finish_order);
}

#[cfg(mutants)]
mod e2_remainder_to_last {
    suite!(chapter_2::mutants::e2_remainder_to_last);
}

#[cfg(mutants)]
mod e2_serialized {
    suite!(chapter_2::mutants::e2_serialized);
}
