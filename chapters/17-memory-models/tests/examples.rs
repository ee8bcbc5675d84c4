//! Integration tests on the examples' outcomes, on real threads. They assert only what is
//! guaranteed: the outcomes an ordering forbids never appear (SeqCst store buffering,
//! Release/Acquire message passing), every CAS-loop maximum is exact, no lock or `fetch_add`
//! loses an update. Weak outcomes the model merely *allows* are asserted reachable in
//! `tests/loom_litmus.rs`, by the model checker, never here by luck.

#![cfg(not(loom))]

use std::time::Duration;

use chapter_17::CHAPTER;
use chapter_17::cas_loop::{self, LockKind, MaxMethod};
use chapter_17::litmus::{Order, RaceConfig};
use chapter_17::non_atomic_increment::{self, Update};
use chapter_17::{message_passing, store_buffering};
use common::testing::run_quick;
use common::{Variants, Verdict};

/// Two batches of 5,000 trials, whatever the time: a count, not a duration, so a loaded
/// machine makes the test slower, never weaker.
const SHORT: RaceConfig = RaceConfig {
    batch: 5_000,
    budget: Duration::from_secs(120),
    max_batches: 2,
    enough: None,
};

#[test]
fn seq_cst_and_fences_never_show_store_buffering() {
    // The model forbids r1 = r2 = 0 for both, on every platform: asserting 0 is safe.
    for order in [Order::SeqCst, Order::Fence] {
        let h = store_buffering::measure(order, SHORT).expect("runs");
        assert_eq!(h.trials(), 10_000);
        assert_eq!(h.count(0, 0), 0, "{order:?}: {h:?}");
    }
}

#[test]
fn store_buffering_sees_only_legal_outcomes_and_counts_every_trial() {
    for &order in Order::CASES {
        // SHORT fixes the number of trials, a count the histogram's buckets must add up to.
        let h = store_buffering::measure(order, SHORT).expect("runs");
        assert_eq!(h.trials(), 10_000, "{order:?}: {h:?}");
        assert_eq!(h.other, 0, "{order:?}: a read of neither 0 nor 1: {h:?}");
        assert_eq!(h.counts.iter().sum::<u64>(), 10_000, "{order:?}: {h:?}");
        if !order.allows_store_buffering() {
            assert_eq!(h.count(0, 0), 0, "{order:?}: {h:?}");
        }

        // The run's report: exactly the four outcomes in its table, whose counts add up to the
        // trials it reports. Whether r1 = r2 = 0 shows under Relaxed or Release/Acquire is up to
        // the machine; the loom suite asserts it is reachable.
        let outcome = run_quick(&CHAPTER, "store-buffering", order.name());
        let table = &outcome.tables[0];
        let mut outcomes: Vec<(&str, &str)> = table
            .rows
            .iter()
            .map(|row| (row[0].as_str(), row[1].as_str()))
            .collect();
        outcomes.sort_unstable();
        assert_eq!(
            outcomes,
            [("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")],
            "{order:?}: {table:#?}"
        );
        let counted: u64 = table
            .rows
            .iter()
            .map(|row| row[2].replace(',', "").parse::<u64>().expect("a count"))
            .sum();
        let trials = outcome.get("trials").expect("the run reports its trials");
        assert!(trials > 0.0, "{outcome:#?}");
        assert_eq!(counted as f64, trials, "{outcome:#?}");
        // The verdict rests on the model, so it holds whatever the machine showed this run.
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        let allowed = f64::from(u8::from(order.allows_store_buffering()));
        assert_eq!(
            outcome.get("model allows r1 = r2 = 0"),
            Some(allowed),
            "{outcome:#?}"
        );
        if !order.allows_store_buffering() {
            assert_eq!(outcome.get("r1 = r2 = 0"), Some(0.0), "{outcome:#?}");
        }
    }
}

#[test]
fn release_acquire_never_shows_the_flag_without_the_data() {
    let h = message_passing::measure(Order::ReleaseAcquire, SHORT).expect("runs");
    assert_eq!(h.count(1, 0), 0, "{h:?}");
    assert_eq!(h.trials(), 10_000);
    let outcome = run_quick(&CHAPTER, "message-passing", "release-acquire");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(
        outcome.get("model allows (1, 0)"),
        Some(0.0),
        "{outcome:#?}"
    );
    let relaxed = run_quick(&CHAPTER, "message-passing", "relaxed");
    assert_eq!(relaxed.verdict, Verdict::Showed, "{relaxed:#?}");
    assert_eq!(
        relaxed.get("model allows (1, 0)"),
        Some(1.0),
        "{relaxed:#?}"
    );
}

#[test]
fn every_max_method_reaches_the_true_maximum() {
    for method in MaxMethod::ALL {
        for threads in [1, 4] {
            let run = cas_loop::race_max(method, threads, 20_000, 7);
            assert_eq!(run.got, run.expected, "{method:?} with {threads} threads");
        }
    }
    // One thread never loses a CAS race.
    assert_eq!(
        cas_loop::race_max(MaxMethod::Strong, 1, 20_000, 7).retries,
        0
    );
}

#[test]
fn both_locks_keep_every_increment() {
    for kind in [LockKind::Spin, LockKind::Mutex] {
        let run = cas_loop::lock_throughput(kind, 4, Duration::from_millis(50));
        assert_eq!(run.counter, run.per_thread.iter().sum::<u64>(), "{kind:?}");
        assert!(run.counter > 0, "{kind:?} made no progress");
    }
}

#[test]
fn fetch_add_and_mutex_push_lose_nothing() {
    for how in [Update::FetchAdd, Update::MutexPush] {
        for (threads, each) in [(1_000, 1), (2, 100_000)] {
            let round = non_atomic_increment::count(how, threads, each);
            assert_eq!(round.got, round.expected, "{how:?} {threads} x {each}");
        }
    }
}

#[test]
fn split_updates_never_invent_updates() {
    // Losing updates is likely but not guaranteed; gaining one is impossible.
    let round = non_atomic_increment::count(Update::Split, 2, 100_000);
    assert!(round.got <= round.expected);
    assert!(
        round.got >= 100_000,
        "each thread's own updates are in order"
    );
}

#[test]
fn timed_rounds_count_every_attempt() {
    // fetch_add lands every attempt the threads counted; split may lose some, never gains one.
    let exact = non_atomic_increment::count_for(Update::FetchAdd, 3, Duration::from_millis(20));
    assert!(exact.expected > 0);
    assert_eq!(exact.got, exact.expected);
    let split = non_atomic_increment::count_for(Update::Split, 3, Duration::from_millis(20));
    assert!(split.got <= split.expected, "{split:?}");
}
