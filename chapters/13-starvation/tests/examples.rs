//! Integration tests on the examples: what is guaranteed, asserted; what is statistical, left to
//! the figures. Deterministic starvation is asserted on the scheduler driven step by step; on
//! real threads, only mutual exclusion, termination, and the bounds a policy guarantees whatever
//! the timing (a FIFO turnstile lets every thread in; aging bounds the overtaking in dispatches).

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_13::CHAPTER;
use chapter_13::fair_rwlock::FairRwLock;
use chapter_13::greedy_lock;
use chapter_13::priority_scheduling::{
    AGING_EVERY, BACKLOG, PRODUCERS, Policy, aging_bound, measure, simulate,
};
use chapter_13::readers_writers::{self, READERS, WRITERS};
use common::testing::run_quick;
use common::watchdog::Ending;
use common::{RunConfig, Variants};
use std::sync::Arc;

const PRIORITIES: [u32; 3] = [2, 1, 0];

#[test]
fn strict_priority_starves_the_lower_producers_step_by_step() {
    let tallies = simulate(Policy::Strict, &PRIORITIES, BACKLOG, 1_000);
    assert_eq!(
        tallies[0].accesses, 1_000,
        "every dispatch went to priority 2"
    );
    assert_eq!(tallies[1].accesses, 0);
    assert_eq!(tallies[2].accesses, 0);
    // The low jobs queued at the start are still waiting: overtaken by all 1000.
    assert_eq!(tallies[2].most_overtaken, 1_000);
}

#[test]
fn aging_serves_every_producer_within_the_bound_step_by_step() {
    let capacity = PRIORITIES.len() * BACKLOG;
    let tallies = simulate(
        Policy::Aging { every: AGING_EVERY },
        &PRIORITIES,
        BACKLOG,
        1_000,
    );
    for (tally, priority) in tallies.iter().zip(PRIORITIES) {
        assert!(tally.accesses > 100, "priority {priority}: {tally:?}");
        let bound = aging_bound(priority, 2, AGING_EVERY, capacity);
        assert!(
            tally.most_overtaken <= bound,
            "priority {priority}: {tally:?} > {bound}"
        );
    }
    assert_eq!(tallies.iter().map(|t| t.accesses).sum::<u64>(), 1_000);
}

#[test]
fn on_real_threads_the_bounds_hold_whatever_the_timing() {
    let capacity = PRODUCERS.len() * BACKLOG;
    let (aging, ending) = measure(
        Policy::Aging { every: AGING_EVERY },
        Duration::from_millis(300),
        Duration::from_micros(20),
    );
    assert_eq!(ending, Ending::DeadlineReached);
    for (tally, (name, priority)) in aging.iter().zip(PRODUCERS) {
        let bound = aging_bound(priority, 2, AGING_EVERY, capacity);
        assert!(tally.most_overtaken <= bound, "{name}: {tally:?} > {bound}");
    }
    // Under strict priority a top-priority job is overtaken only by older top-priority jobs.
    let (strict, ending) = measure(
        Policy::Strict,
        Duration::from_millis(300),
        Duration::from_micros(20),
    );
    assert_eq!(ending, Ending::DeadlineReached);
    assert!(strict[0].accesses > 0);
    assert!(strict[0].most_overtaken < BACKLOG as u64, "{:?}", strict[0]);
}

#[test]
fn every_readers_writers_lock_excludes_and_finishes() {
    for variant in readers_writers::Kind::CASES {
        let m = readers_writers::measure(
            variant.lock(),
            READERS,
            WRITERS,
            Duration::from_millis(200),
            7,
        );
        assert_eq!(m.ending, Ending::DeadlineReached, "{variant:?}");
        assert!(m.panics.is_empty(), "{variant:?}: {:?}", m.panics);
        assert_eq!(m.rows.len(), READERS + WRITERS, "{variant:?}");
        assert!(m.rows.iter().any(|r| r.tally.accesses > 0), "{variant:?}");
    }
}

#[test]
fn readers_handing_the_room_on_starve_a_readers_first_lock_s_writers_every_time() {
    use readers_writers::{Kind, Role, Room, measure_in};
    for seed in 0..5 {
        let m = measure_in(
            Room::relayed(),
            Kind::ReadersFirst.lock(),
            READERS,
            WRITERS,
            Duration::from_millis(150),
            seed,
        );
        assert!(m.panics.is_empty(), "{:?}", m.panics);
        assert!(m.starved(Role::Writer), "seed {seed}: {:?}", m.rows);
        // The relay holds no lock of its own: at the run's end the readers leave, and the
        // writers finish too.
        assert_eq!(
            m.ending,
            Ending::DeadlineReached,
            "seed {seed}: {:?}",
            m.rows
        );
    }
}

#[test]
fn the_fair_turnstile_lets_every_thread_in() {
    // Guaranteed on real threads: exclusion (a breach panics inside `Room`), no stall, and a
    // FIFO turnstile lets each of the 5 threads in. How long anyone waited is a timing, left to
    // the figures; the bounded overtaking is the model checker's to prove.
    let m = readers_writers::measure(
        Arc::new(FairRwLock::default()),
        READERS,
        WRITERS,
        Duration::from_millis(300),
        13,
    );
    assert!(m.panics.is_empty(), "{:?}", m.panics);
    assert_eq!(m.ending, Ending::DeadlineReached, "{:?}", m.rows);
    assert_eq!(m.rows.len(), READERS + WRITERS);
    for row in &m.rows {
        assert!(
            row.tally.accesses > 0,
            "{} never got in: {:?}",
            row.name,
            m.rows
        );
    }
}

#[test]
fn the_ticket_lock_lets_every_thread_in() {
    let m = greedy_lock::measure(
        greedy_lock::Kind::Ticket.lock(),
        Duration::from_millis(300),
        greedy_lock::HOLD_MICROS,
    );
    assert_eq!(m.ending, Ending::DeadlineReached, "{:?}", m.rows);
    assert_eq!(m.rows.len(), 3);
    for row in &m.rows {
        assert!(
            row.tally.accesses > 0,
            "{} never got in: {:?}",
            row.name,
            m.rows
        );
    }
}

#[test]
fn unknown_variants_are_errors_not_fallbacks() {
    for example in CHAPTER.examples {
        let config = RunConfig::quick(example, "no-such-variant");
        assert!((example.run)(&config).is_err(), "{}", example.name);
    }
}

#[test]
fn every_outcome_has_a_key_figure_and_a_table() {
    for example in CHAPTER.examples {
        for variant in example.variants {
            let outcome = run_quick(&CHAPTER, example.name, variant.name);
            assert!(outcome.key().is_some(), "{} {}", example.name, variant.name);
            assert!(
                !outcome.tables.is_empty(),
                "{} {}",
                example.name,
                variant.name
            );
            assert!(
                !outcome.notice.is_empty(),
                "{} {}",
                example.name,
                variant.name
            );
        }
    }
}
