//! Integration tests on the examples' outcomes, on real threads: results come back through
//! `join`, a panic surfaces as an `Err`, the lock serializes the countdowns, every counter is
//! exact, the racy work queue strands workers and the fix does not, the priority queue loses
//! nothing and keeps each worker's order, and the detached thread stops on its flag. Only what is
//! guaranteed is asserted: counts and lower bounds that mutual exclusion implies, never speed.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_3::countdown::COUNT_FROM;
use chapter_3::synchronizing::{Way, count};
use chapter_3::{CHAPTER, detached, lock_serializes, scoped, spawn_join, work_queue};
use common::Verdict;
use common::testing::{every_variant, run_quick, run_quick_threads};

#[test]
fn countdowns_come_back_through_join_with_their_names() {
    let delays = [
        ("A", Duration::from_millis(2)),
        ("B", Duration::from_millis(3)),
    ];
    let (countdowns, timeline, total) = spawn_join::run_countdowns(&delays).expect("runs");
    let names: Vec<&str> = countdowns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    for c in &countdowns {
        assert_eq!(c.counts, [5, 4, 3, 2, 1]);
    }
    assert_eq!(timeline.events().len(), 2 * COUNT_FROM as usize);
    // The slower thread alone sleeps 5 x 3 ms: the pair cannot finish sooner.
    assert!(total >= Duration::from_millis(15), "{total:?}");
}

#[test]
fn every_prime_answer_names_its_own_number() {
    let results = spawn_join::check_primes(&spawn_join::BOOK_NUMBERS);
    let answers: Vec<(u64, bool)> = results
        .iter()
        .map(|r| {
            let c = r.as_ref().expect("no panic");
            (c.n, c.is_prime())
        })
        .collect();
    assert_eq!(
        answers,
        [
            (2, true),
            (193, true),
            (323, false),
            (1327, true),
            (433_785_907, true)
        ]
    );
    assert_eq!(
        run_quick(&CHAPTER, "spawn-join", "primes").verdict,
        Verdict::Showed
    );
}

#[test]
fn a_panic_surfaces_at_join_and_the_others_still_answer() {
    let outcome = run_quick(&CHAPTER, "spawn-join", "panic");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.get("threads that panicked"), Some(1.0));
    assert_eq!(outcome.get("threads that answered"), Some(2.0));
    let results = spawn_join::check_primes(&[7, 1]);
    assert_eq!(results[0].as_ref().map(|c| c.is_prime()), Ok(true));
    let err = results[1].as_ref().expect_err("1 has no primality");
    assert!(err.contains("is_prime(1)"), "{err}");
}

#[test]
fn one_lock_makes_the_countdowns_take_turns() {
    let delay = Duration::from_millis(2);
    let locked = lock_serializes::run_pair(delay, true).expect("runs");
    // Mutual exclusion guarantees all of these: never two threads inside, every step taken,
    // exactly one switch, and at least both countdowns' sleeps.
    assert_eq!(locked.most_inside, 1);
    assert_eq!(locked.timeline.events().len(), 2 * COUNT_FROM as usize);
    assert_eq!(locked.timeline.switches(), 1);
    assert!(locked.took_turns());
    assert!(locked.took >= 2 * COUNT_FROM * delay, "{:?}", locked.took);
    // Without the lock, how many overlap is up to the schedule: only the bounds are certain.
    let unlocked = lock_serializes::run_pair(delay, false).expect("runs");
    assert_eq!(unlocked.timeline.events().len(), 2 * COUNT_FROM as usize);
    assert!((1..=2).contains(&unlocked.most_inside), "{unlocked:?}");
    // The verdict rests on those counts alone, so it is asserted, load or not.
    let outcome = run_quick(&CHAPTER, "lock-serializes", "timed");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(
        outcome.get("threads inside at once, locked (most)"),
        Some(1.0)
    );
}

#[test]
fn scoped_workers_fill_the_callers_vec() {
    let numbers = scoped::numbers();
    for workers in [1, 3, 64] {
        let (factors, by) = scoped::smallest_factors(&numbers, workers);
        for (n, f) in numbers.iter().zip(&factors) {
            assert!(*f >= 2 && n % f == 0, "{n}: {f}");
        }
        assert!(by.iter().all(|w| *w < workers));
    }
    assert_eq!(
        run_quick_threads(&CHAPTER, "scoped", "borrow", 2).verdict,
        Verdict::Showed
    );
}

#[test]
fn every_counter_is_exact() {
    for way in [Way::Lock, Way::Atomic, Way::Channel] {
        for threads in [1, 4] {
            assert_eq!(
                count(way, threads, 10_000),
                threads as u64 * 10_000,
                "{way:?}"
            );
        }
    }
    for variant in ["lock", "atomic", "channel"] {
        let outcome = run_quick_threads(&CHAPTER, "synchronizing", variant, 3);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}");
        assert_eq!(outcome.get("counted"), Some(150_000.0));
    }
}

#[test]
fn the_work_queue_fix_handles_every_number_once_free_running_and_forced() {
    for schedule in [
        work_queue::Schedule::FreeRunning(Duration::ZERO),
        work_queue::Schedule::Forced,
    ] {
        let report = work_queue::run_workers(
            work_queue::Taking::PopOrStop,
            Duration::from_millis(1),
            schedule,
        );
        assert_eq!(
            report.ending,
            common::watchdog::Ending::Finished,
            "{schedule:?}"
        );
        let mut all: Vec<u64> = report
            .results()
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, [1, 3, 4, 10], "{schedule:?}");
    }
}

#[test]
fn the_racy_work_queue_strands_two_workers_when_the_gap_is_forced() {
    for _ in 0..3 {
        let outcome = run_quick(&CHAPTER, "work-queue", "check-then-get");
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        // Every number is handled exactly once, then the last round's three checks all saw
        // the last number: one worker took it, two wait in get().
        assert_eq!(outcome.get("numbers handled"), Some(4.0), "{outcome:#?}");
        assert_eq!(
            outcome.get("workers stuck in get()"),
            Some(2.0),
            "{outcome:#?}"
        );
    }
}

#[test]
fn the_priority_queue_example_loses_nothing_and_keeps_order() {
    for threads in [1, 3, 8] {
        let outcome = run_quick_threads(&CHAPTER, "priority-queue", "drain", threads);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        assert_eq!(outcome.get("tasks handled"), Some(40.0));
    }
}

#[test]
fn the_detached_thread_runs_on_then_stops_on_its_flag() {
    let seen = detached::detach_and_stop(Duration::from_millis(20)).expect("runs");
    assert!(seen.stopped, "{seen:?}");
    // It was ticking when the handle dropped and sleeps only 1 ms per tick: over 20 ms with no
    // handle it must have ticked again (a lower bound, not a speed claim).
    assert!(seen.later > seen.at_drop, "{seen:?}");
}

#[test]
fn the_whole_tour_shows_every_lesson() {
    // Not asserted here: a verdict that rests on the clock (countdown) rather than a guarantee.
    for run in every_variant(&CHAPTER, &["countdown"]) {
        assert!(
            run.outcome.key().is_some(),
            "{}: no key figure",
            run.example.name
        );
    }
}
