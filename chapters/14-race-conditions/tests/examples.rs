//! Integration tests on the examples' outcomes, on real threads: what each run guarantees, and
//! nothing more. The broken counter never counts *more* than expected and its lost updates are
//! exactly expected − actual; every fix counts exactly; under the lock no two pauses overlap and
//! the threaded run lasts at least the sum of the pauses; the fixed withdrawals never overdraw.
//! No timing assertions beyond lower bounds that mutual exclusion (or a sleep) guarantees.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_14::check_then_act::{self, AMOUNT, Guarding, OPENING, Schedule};
use chapter_14::counter::Method;
use chapter_14::lost_updates::{self, book_pauses};
use chapter_14::what_rust_refuses::{self, REFUSALS};
use chapter_14::{CHAPTER, increment_cost, serialized};
use common::testing::run_quick;
use common::{Variants, Verdict};

const BUDGET: Duration = Duration::from_secs(10);

#[test]
fn pauses_are_reproducible_from_the_seed_and_are_zero_or_one_unit() {
    let unit = Duration::from_millis(10);
    let a = book_pauses(0, 20, unit);
    assert_eq!(a, book_pauses(0, 20, unit), "same seed, same pauses");
    assert_eq!(a.len(), 20);
    assert!(a.iter().all(|&p| p == unit || p.is_zero()), "{a:?}");
    assert_ne!(a, book_pauses(1, 20, unit), "another seed, other pauses");
}

#[test]
fn the_racy_counter_never_counts_more_and_lost_is_the_difference() {
    // Seed 3 draws many long pauses: threads that read during another's pause overlap.
    let pauses = book_pauses(3, 20, Duration::from_millis(20));
    let long = pauses.iter().filter(|p| !p.is_zero()).count();
    assert!(long >= 10, "seed 3 draws {long} long pauses");
    let mut losses = Vec::new();
    for _ in 0..5 {
        let race = lost_updates::run_threads(Method::LoadStore, &pauses, BUDGET).expect("runs");
        // Guaranteed in every run: the count never exceeds the updates, the first write lands,
        // and "lost" is exactly the difference.
        assert!(race.actual <= race.expected, "{race:?}");
        assert!(race.actual >= 1, "the first write lands: {race:?}");
        assert_eq!(race.lost(), race.expected - race.actual);
        losses.push(race.lost());
        if race.lost() > 0 {
            break;
        }
    }
    // Not a count from one run: that some run loses an update. Every long-pause thread reads
    // within microseconds of the others and writes 20 ms later, so two overlap unless the
    // machine delays every spawn by 20 ms, five times over.
    assert!(
        losses.iter().any(|&l| l > 0),
        "no update lost in {losses:?}"
    );
}

#[test]
fn every_fix_counts_exactly() {
    let pauses = book_pauses(3, 20, Duration::from_millis(5));
    for method in [Method::FetchAdd, Method::Mutex, Method::PerThread] {
        let race = lost_updates::run_threads(method, &pauses, BUDGET).expect("runs");
        assert_eq!(race.actual, 20, "{method:?}");
        assert_eq!(race.lost(), 0, "{method:?}");
    }
}

#[test]
fn the_mutex_makes_the_pauses_take_turns() {
    let pauses = book_pauses(3, 20, Duration::from_millis(5));
    let sum: Duration = pauses.iter().sum();
    let race = lost_updates::run_threads(Method::Mutex, &pauses, BUDGET).expect("runs");
    // Every pause happens while holding the lock, so no two overlap: a guaranteed lower bound.
    assert!(race.elapsed >= sum, "{:?} < {sum:?}", race.elapsed);
}

#[test]
fn lost_updates_variants_report_consistent_figures() {
    for variant in ["broken", "fetch-add", "mutex", "per-thread"] {
        let outcome = run_quick(&CHAPTER, "lost-updates", variant);
        let expected = outcome.get("expected").expect("expected");
        let actual = outcome.get("final counter").expect("final counter");
        let lost = outcome.get("lost updates").expect("lost updates");
        assert_eq!(expected, 20.0, "{variant}");
        assert!(actual <= expected, "{variant}: {actual}");
        assert_eq!(lost, expected - actual, "{variant}");
        // A time, so nothing to assert of its value; but every variant reports it.
        assert!(outcome.get("cost per increment").is_some(), "{variant}");
        if variant != "broken" {
            assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
            assert_eq!(lost, 0.0, "{variant}");
        }
    }
}

#[test]
fn increment_cost_counts_right_with_every_fix() {
    for &method in Method::CASES {
        let cost = increment_cost::measure(method, 3, 20_000, 3).expect("measures");
        assert_eq!(cost.expected, 60_000);
        // The median run's count lies between the fewest any run counted and the expected.
        assert!(cost.fewest <= cost.actual, "{cost:?}");
        assert!(cost.actual <= cost.expected, "{cost:?}");
        if method != Method::LoadStore {
            assert!(cost.always_exact(), "{method:?}: {cost:?}");
            assert_eq!(cost.actual, cost.expected, "{method:?}");
        }
    }
}

#[test]
fn increment_cost_shows_on_the_counts_alone() {
    let outcome = run_quick(&CHAPTER, "increment-cost", "timed");
    // Every fix counts exactly under any load, so the verdict cannot flip with the clock.
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let expected = outcome.get("expected").expect("expected");
    let racy = outcome.get("broken counted").expect("broken counted");
    assert!(racy <= expected, "{racy} > {expected}");
    for &method in Method::CASES {
        let figure = format!("{method} ns per increment");
        assert!(outcome.get(&figure).is_some(), "{figure} missing");
    }
}

#[test]
fn the_locked_update_is_no_faster_on_threads() {
    let pauses = book_pauses(0, 20, Duration::from_millis(5));
    let m = serialized::measure(&pauses, BUDGET).expect("measures");
    assert_eq!(m.counts, [20, 20, 20]);
    // Lower bounds only: under the lock the pauses cannot overlap, sequential or threaded; with
    // the pause outside, the run still lasts at least the longest pause.
    assert!(m.sequential >= m.total_pause(), "{m:?}");
    assert!(m.threaded >= m.total_pause(), "{m:?}");
    assert!(m.narrow >= m.longest_pause(), "{m:?}");
    // Guaranteed by the lock, not by the clock: one pause at a time, none begun during another.
    assert_eq!(m.overlaps[..2], [0, 0], "{m:?}");
    assert_eq!(m.at_once[..2], [1, 1], "{m:?}");
    // Outside the lock nothing forces the pauses to overlap: only that someone paused, and no
    // more threads than there are.
    assert!((1..=20).contains(&m.at_once[2]), "{m:?}");
    assert!(m.overlaps[2] < 20, "{m:?}");
}

#[test]
fn serialized_shows_on_the_counts_alone() {
    let outcome = run_quick(&CHAPTER, "serialized", "timed");
    // The tour's seed draws enough long pauses; the verdict then rests on the counts alone.
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.get("overlapping critical sections"), Some(0.0));
    assert_eq!(
        outcome.get("most pausing at once, locked threads"),
        Some(1.0)
    );
    let sum = outcome.get("sum of pauses").expect("sum of pauses");
    let threaded = outcome.get("threaded").expect("threaded");
    assert!(
        threaded >= sum,
        "threaded {threaded} s < the pauses' {sum} s"
    );
}

#[test]
fn the_broken_withdrawal_keeps_the_books_but_may_overdraw() {
    let free = Schedule::FreeRunning(Duration::from_millis(1));
    for _ in 0..10 {
        let round = check_then_act::run_round(Guarding::SeparateLocks, 2, free).expect("runs");
        // Each act is locked, so no subtraction is lost: the balance always matches the approvals.
        assert!((1..=2).contains(&round.approved), "{round:?}");
        assert_eq!(round.balance, OPENING - AMOUNT * round.approved as i64);
    }
}

#[test]
fn the_forced_window_overdraws_the_broken_withdrawal_every_round() {
    for customers in [2, 3, 5] {
        for _ in 0..10 {
            let round =
                check_then_act::run_round(Guarding::SeparateLocks, customers, Schedule::Forced)
                    .expect("runs");
            assert_eq!(
                round.approved, customers as u64,
                "{customers} customers: {round:?}"
            );
            assert_eq!(round.balance, OPENING - AMOUNT * customers as i64);
        }
    }
    let outcome = run_quick(&CHAPTER, "check-then-act", "broken");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.get("overdrafts"), outcome.get("rounds"));
    assert!(
        outcome.get("overdrafts free-running").is_some(),
        "{outcome:#?}"
    );
}

#[test]
fn the_fixed_withdrawals_never_overdraw() {
    for guarding in [Guarding::OneLock, Guarding::CompareExchange] {
        for customers in [2, 5] {
            for _ in 0..5 {
                for schedule in [
                    Schedule::Forced,
                    Schedule::FreeRunning(Duration::from_millis(1)),
                ] {
                    let round =
                        check_then_act::run_round(guarding, customers, schedule).expect("runs");
                    assert_eq!(round.approved, 1, "{guarding:?} {schedule:?}: {round:?}");
                    assert_eq!(round.balance, OPENING - AMOUNT, "{guarding:?} {schedule:?}");
                }
            }
        }
    }
    for variant in ["one-lock", "compare-exchange"] {
        let outcome = run_quick(&CHAPTER, "check-then-act", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
        assert_eq!(outcome.get("overdrafts"), Some(0.0));
        assert_eq!(outcome.get("approved"), outcome.get("allowed"));
    }
}

#[test]
fn what_compiles_instead_counts_right() {
    assert_eq!(
        what_rust_refuses::vec_under_a_mutex() as u64,
        2 * what_rust_refuses::PER_THREAD
    );
    assert_eq!(what_rust_refuses::arc_across_threads(), 1);
    assert_eq!(
        what_rust_refuses::atomic_instead_of_cell(),
        2 * what_rust_refuses::PER_THREAD
    );
    let outcome = run_quick(&CHAPTER, "what-rust-refuses", "explained");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
}

/// The errors the example prints are the ones rustc really gives (the trybuild snapshots).
#[test]
fn the_printed_errors_match_the_compile_fail_snapshots() {
    let dir = env!("CARGO_MANIFEST_DIR");
    for refusal in REFUSALS {
        let stderr_path = format!("{dir}/{}", refusal.file.replace(".rs", ".stderr"));
        let stderr = std::fs::read_to_string(&stderr_path).expect("snapshot exists");
        let (code, message) = refusal.error.split_once(": ").expect("code: message");
        let first = stderr.lines().next().unwrap_or_default();
        assert_eq!(first, format!("error[{code}]: {message}"), "{stderr_path}");
    }
}
