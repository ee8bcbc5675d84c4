//! Integration tests on the examples: the primality function against known values, every
//! parallel prime check agreeing with the sequential one (16 primes in the book's range), the
//! book's iterate ending in 35443, the hand-off chain's value and its never-overlapping
//! segments, lower bounds for the I/O-bound waits, and the interleaved timeline. No speed
//! assertions: only what is guaranteed.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_1::concurrent_vs_parallel::{self, interleaved, parallel, tasks};
use chapter_1::inherently_sequential::{
    BOOK_DIGITS, PRIME, book_concurrent, book_iterate, chain, chain_hand_off,
};
use chapter_1::prime_check::{Method, QUICK_COUNT, QUICK_PRIMES, primes_pool, primes_with};
use chapter_1::prime_check_report::{cores, cpu_time};
use chapter_1::primes::{
    BOOK_COUNT, BOOK_PRIMES, BOOK_START, is_prime, numbers, primes_sequential,
};
use chapter_1::process_pool::{MAX_PROCESS_JOBS, primes_processes};
use chapter_1::{CHAPTER, io_bound};
use common::Verdict;
use common::testing::run_quick;

const BUDGET: Duration = Duration::from_secs(30);

#[test]
fn sixteen_primes_in_the_books_range() {
    let primes = primes_sequential(&numbers(BOOK_START, BOOK_COUNT));
    assert_eq!(primes.len(), BOOK_PRIMES);
    assert_eq!(BOOK_PRIMES, 16);
    // The first prime after 10^13 (10^13 + 37) and a composite neighbour.
    assert_eq!(primes[0], BOOK_START + 37);
    assert!(!is_prime(BOOK_START + 39));
    let quick = primes_sequential(&numbers(BOOK_START, QUICK_COUNT));
    assert_eq!(quick.len(), QUICK_PRIMES);
}

#[test]
fn every_method_finds_the_same_primes() {
    let numbers = numbers(BOOK_START, BOOK_COUNT);
    let expected = primes_sequential(&numbers);
    for method in [
        Method::Split,
        Method::Threads,
        Method::Rayon,
        Method::Processes,
    ] {
        for workers in [1, 2, 3, 5] {
            let got = primes_with(method, &numbers, workers, BUDGET).expect("runs");
            assert_eq!(got, expected, "{method:?} with {workers} workers");
        }
    }
}

#[test]
fn the_pool_tests_every_number_once() {
    let numbers = numbers(BOOK_START, 120);
    let run = primes_pool(&numbers, 4);
    assert_eq!(run.jobs.len(), 4);
    assert_eq!(run.jobs.iter().sum::<usize>(), 120);
    assert_eq!(run.primes_found.iter().sum::<usize>(), run.primes.len());
    assert_eq!(run.primes, primes_sequential(&numbers));
}

#[test]
fn the_process_pool_handles_more_workers_than_jobs() {
    // Children that find the job pipe empty at once must still exit cleanly.
    let few = [2, 3, 4, 5, BOOK_START + 37];
    assert_eq!(
        primes_processes(&few, 8, BUDGET).expect("runs"),
        [2, 3, 5, BOOK_START + 37]
    );
    assert_eq!(
        primes_processes(&[], 3, BUDGET).expect("runs"),
        Vec::<u64>::new()
    );
    // More jobs than the job pipe is sure to hold: refused, not a hang.
    let too_many = numbers(0, MAX_PROCESS_JOBS as u64 + 1);
    assert!(primes_processes(&too_many, 2, BUDGET).is_err());
}

#[test]
fn cpu_time_counts_this_threads_work() {
    // Spinning uses CPU time; getrusage must see it (within a generous wall-clock limit). Other
    // test threads count too (it is the whole process's time), which only makes it sooner.
    let before = cpu_time();
    let watch = std::time::Instant::now();
    let mut x = 0u64;
    while cpu_time() < before + Duration::from_millis(20) {
        x = x.wrapping_add(u64::from(is_prime(x % 1_000 + 1_000_000)));
        assert!(
            watch.elapsed() < Duration::from_secs(30),
            "CPU time never advanced"
        );
    }
    std::hint::black_box(x);
}

#[test]
fn the_books_iterate_ends_in_35443() {
    assert_eq!(book_iterate(), 35_443);
    assert_eq!(BOOK_DIGITS, 35_443);
    assert_eq!(book_concurrent(20), 35_443);
}

#[test]
fn the_hand_off_chain_matches_one_thread_and_never_overlaps() {
    let steps = 200_000;
    let expected = chain(3, steps, PRIME);
    for threads in [1, 2, 3, 4] {
        let run = chain_hand_off(3, steps, threads, threads * 4, BUDGET).expect("finishes");
        assert_eq!(run.value, expected, "{threads} threads");
        assert_eq!(run.segments.len(), threads * 4);
        // Segment s + 1 starts only after segment s handed over its value.
        for w in run.segments.windows(2) {
            assert!(w[1].1 >= w[0].2, "{w:?}");
        }
    }
}

#[test]
fn waits_take_at_least_their_latency() {
    let latency = Duration::from_millis(20);
    assert!(io_bound::sequential(5, latency) >= latency * 5);
    assert!(io_bound::concurrent(5, latency) >= latency);
}

#[test]
fn interleaved_tasks_take_turns_and_never_overlap() {
    let (a, b) = tasks(200);
    let timeline = interleaved(a.clone(), b.clone());
    assert_eq!(timeline.overlap(), Duration::ZERO);
    assert_eq!(timeline.slices.len(), 16);
    let order: Vec<usize> = timeline.slices.iter().map(|s| s.0).collect();
    assert_eq!(order, [0, 1].repeat(8));
    let both = parallel(a, b);
    assert_eq!(both.primes, timeline.primes, "same work, same answers");
    let chart = timeline.gantt(48);
    assert_eq!(chart.len(), 2);
    assert!(chart[0].starts_with("task A |") && chart[1].starts_with("task B |"));
    let _ = concurrent_vs_parallel::run; // the example itself runs in `every_variant_runs`
}

#[test]
fn every_variant_runs_and_the_guaranteed_ones_show() {
    for example in CHAPTER.examples {
        for variant in example.variants {
            let outcome = run_quick(&CHAPTER, example.name, variant.name);
            assert!(outcome.key().is_some(), "{} {}", example.name, variant.name);
            // Verdicts that do not depend on timing.
            let guaranteed = matches!(
                (example.name, variant.name),
                ("prime-check", "sequential")
                    | ("inherently-sequential", "book" | "hand-off")
                    | ("io-bound", "sequential")
                    | ("concurrent-vs-parallel", "interleaved")
            );
            if guaranteed {
                assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
            }
            if example.name == "prime-check" {
                assert_eq!(outcome.get("primes"), Some(QUICK_PRIMES as f64));
            }
        }
    }
    let _ = cores();
}
