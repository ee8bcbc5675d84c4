//! Integration tests on the examples' outcomes: each broken variant exhibits its bug (the named
//! wait-for cycle, zero meals) and each fix completes every meal. Real threads, real locks; no
//! timing assertions beyond lower bounds that mutual exclusion guarantees.

#![cfg(not(shuttle))]

use chapter_12::{CHAPTER, dining_philosophers, livelock, ordering_cost, two_locks};
use common::Verdict;
use common::deadlock::rendezvous::Schedule;
use common::testing::{run_quick, run_quick_threads};
use common::watchdog::Ending;

#[test]
fn two_locks_broken_reports_the_exact_cycle() {
    let outcome = run_quick(&CHAPTER, "two-locks", "broken");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let narrative = outcome.narrative.join("\n");
    assert!(
        narrative.contains("thread A holds lock A and waits for lock B (held by thread B)"),
        "{narrative}"
    );
    assert!(
        narrative.contains("thread B holds lock B and waits for lock A (held by thread A)"),
        "{narrative}"
    );
}

#[test]
fn the_forced_window_deadlocks_opposite_orders_every_time_and_lets_one_order_through() {
    use std::time::Duration;
    use two_locks::LockOrder;
    let forced = Schedule::Forced {
        guard: Duration::from_secs(20),
    };
    // No hold at all: left to the scheduler, thread A would often take both locks before
    // thread B starts. Forced, each holds its first lock before either takes its second.
    for run in 0..20 {
        let broken = two_locks::run_pair(
            LockOrder::Opposite,
            [Duration::ZERO; 2],
            Duration::from_secs(20),
            forced,
        );
        assert!(
            matches!(broken.ending, Ending::Deadlock(ref c) if c.links.len() == 2),
            "run {run}: {}",
            broken.describe_ending()
        );
        let ordered = two_locks::run_pair(
            LockOrder::Global,
            [Duration::ZERO; 2],
            Duration::from_secs(20),
            forced,
        );
        assert_eq!(ordered.ending, Ending::Finished, "run {run}");
        assert_eq!(ordered.total_progress(), 2, "run {run}");
    }
}

#[test]
fn two_locks_ordered_finishes_and_serializes() {
    let outcome = run_quick(&CHAPTER, "two-locks", "ordered");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    // Both threads hold lock A for all their work, so their work cannot overlap: the run takes
    // at least the sum (a lower bound that mutual exclusion guarantees, not a speed claim).
    let total = outcome.get("total time").expect("total time");
    let sum = outcome.get("sum of both threads' work").expect("sum");
    assert!(total >= sum, "total {total} < sum {sum}");
}

#[test]
fn broken_philosophers_deadlock_with_a_cycle_through_every_seat() {
    for philosophers in [2, 5, 9] {
        let outcome = run_quick_threads(&CHAPTER, "dining-philosophers", "broken", philosophers);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        let cycle: Vec<&String> = outcome
            .narrative
            .iter()
            .filter(|l| l.contains("holds fork"))
            .collect();
        assert_eq!(cycle.len(), philosophers, "{cycle:?}");
        for seat in 0..philosophers {
            let expected = format!(
                "philosopher {seat} holds fork {seat} and waits for fork {}",
                (seat + 1) % philosophers
            );
            assert!(
                cycle.iter().any(|l| l.contains(&expected)),
                "missing {expected:?} in {cycle:?}"
            );
        }
    }
}

#[test]
fn every_fix_feeds_every_philosopher() {
    for variant in ["ordered", "try-lock", "arbitrator"] {
        for philosophers in [2, 5] {
            let outcome = run_quick_threads(&CHAPTER, "dining-philosophers", variant, philosophers);
            assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
            let meals_each = 60.0;
            assert_eq!(
                outcome.get("meals"),
                Some(meals_each * philosophers as f64),
                "{variant}"
            );
        }
    }
}

/// No pauses, but the first reach forced: the pacing under which only the rendezvous can
/// make everyone hold a fork at once.
fn forced_without_pauses() -> dining_philosophers::Pacing {
    dining_philosophers::Pacing {
        schedule: Schedule::Forced {
            guard: std::time::Duration::from_secs(20),
        },
        ..dining_philosophers::Pacing::none()
    }
}

#[test]
fn the_forced_first_reach_deadlocks_the_broken_table_every_time() {
    for philosophers in [2, 5] {
        for run in 0..10 {
            let report = dining_philosophers::run_table(
                philosophers,
                dining_philosophers::Strategy::LeftThenRight,
                20,
                forced_without_pauses(),
                run,
                std::time::Duration::from_secs(20),
            );
            assert!(
                matches!(report.ending, Ending::Deadlock(ref c) if c.links.len() == philosophers),
                "{philosophers} philosophers, run {run}: {}",
                report.describe_ending()
            );
            assert_eq!(report.total_progress(), 0, "run {run}");
        }
    }
}

#[test]
fn every_fix_passes_through_the_forced_first_reach() {
    use dining_philosophers::Strategy;
    for strategy in [Strategy::Ordered, Strategy::TryLock, Strategy::Arbitrator] {
        for run in 0..10 {
            let report = dining_philosophers::run_table(
                5,
                strategy,
                20,
                forced_without_pauses(),
                run,
                std::time::Duration::from_secs(20),
            );
            assert_eq!(report.ending, Ending::Finished, "{strategy:?}, run {run}");
            assert!(
                report.results().iter().all(|r| r == &Some(&Ok(20))),
                "{strategy:?}, run {run}"
            );
        }
    }
}

#[test]
fn the_table_runner_reports_meals_per_philosopher() {
    let report = dining_philosophers::run_table(
        4,
        dining_philosophers::Strategy::Ordered,
        25,
        dining_philosophers::Pacing::none(),
        7,
        std::time::Duration::from_secs(20),
    );
    assert_eq!(report.ending, common::watchdog::Ending::Finished);
    assert!(report.results().iter().all(|r| r == &Some(&Ok(25))));
}

#[test]
fn ordered_locks_make_the_threads_take_turns() {
    let cost = ordering_cost::measure(0.005).expect("measures");
    // The count: under ordered locks one thread at most was ever working; without locks one or
    // two (two whenever the scheduler overlapped them, which nothing forces).
    assert_eq!(cost.ordered_at_once, 1, "{cost:?}");
    assert!((1..=2).contains(&cost.unlocked_at_once), "{cost:?}");
    // Book times scaled by 0.005: A works 2 x 10 ms, B works 2 x 25 ms. Work that cannot
    // overlap lasts at least the sum, 70 ms: a lower bound that fails if the locks let the
    // threads overlap (no sleep ends early), never because the machine is slow.
    let at_least = |d: std::time::Duration, ms: u64| {
        assert!(d >= std::time::Duration::from_millis(ms), "{d:?} < {ms} ms")
    };
    at_least(cost.ordered, 70);
    at_least(cost.sequential, 70);
}

#[test]
fn polite_diners_livelock_busy_with_zero_meals() {
    let outcome = run_quick(&CHAPTER, "livelock", "broken");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.get("meals"), Some(0.0));
    assert!(outcome.get("attempts without a meal").expect("attempts") > 0.0);
    let table = &outcome.tables[0];
    assert!(
        table
            .rows
            .iter()
            .all(|row| row[3] == "busy without progress"),
        "{table:?}"
    );
}

#[test]
fn livelock_fixes_feed_both_diners() {
    for variant in ["priority", "random-backoff"] {
        let outcome = run_quick(&CHAPTER, "livelock", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
        assert_eq!(outcome.get("meals"), Some(400.0), "{variant}");
    }
}

#[test]
fn lock_order_plans_match_the_book() {
    use two_locks::LockOrder;
    assert_eq!(LockOrder::Opposite.plan(0), (0, 1));
    assert_eq!(LockOrder::Opposite.plan(1), (1, 0));
    assert_eq!(LockOrder::Global.plan(1), (0, 1));
    assert_eq!(livelock::Manners::Priority, livelock::Manners::Priority);
}

#[test]
fn lock_timeout_shows_its_lesson_in_every_variant() {
    for variant in chapter_12::lock_timeout::OnTimeout::ALL {
        let outcome =
            common::testing::run_quick(&chapter_12::CHAPTER, "lock-timeout", variant.name);
        assert_eq!(
            outcome.verdict,
            common::Verdict::Showed,
            "lock-timeout --variant {}: {outcome:#?}",
            variant.name
        );
    }
}
