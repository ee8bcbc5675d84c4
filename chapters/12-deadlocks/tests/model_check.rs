//! Model checking with shuttle: the checker explores many thread schedules of the chapter's own
//! code (its locks and threads come from shuttle under the `shuttle` feature) and must *find* the
//! deadlock or livelock in every broken variant, and find none in any fix.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-12 --test model_check` (the shuttle pass of
//! `cargo xtask test`). `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a failure
//! prints the schedule to replay with `shuttle::replay`.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_12::dining_philosophers::{Pacing, Strategy, Table, dine};
use chapter_12::livelock::{self, DINERS, Manners, SharedTable};
use chapter_12::two_locks::{LockOrder, THREADS, make_locks, take_both};
use common::deadlock::LockGraph;
use common::rng::SplitMix64;
use common::sync::{model_check, model_check_bounded, spawn_named};
use common::watchdog::WorkerCtx;

fn two_threads_two_locks(order: LockOrder) {
    let graph = LockGraph::new();
    let locks = Arc::new(make_locks(&graph));
    let threads: Vec<_> = (0..2)
        .map(|who| {
            let locks = Arc::clone(&locks);
            spawn_named(THREADS[who], move || {
                take_both(&locks, order, who, &|| {}, &WorkerCtx::detached())
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("no panic"), Ok(()));
    }
}

#[test]
#[should_panic(
    expected = "deadlock! wait-for cycle: thread A holds lock A and waits for lock B (held by thread B)"
)]
fn shuttle_finds_the_two_lock_deadlock() {
    model_check(|| two_threads_two_locks(LockOrder::Opposite));
}

#[test]
fn shuttle_finds_no_deadlock_with_one_lock_order() {
    model_check(|| two_threads_two_locks(LockOrder::Global));
}

/// Three philosophers (the smallest table where the ordered fix is not trivially symmetric),
/// two meals each; every one of them must finish every meal.
fn dinner(strategy: Strategy) {
    const PHILOSOPHERS: usize = 3;
    const MEALS: u64 = 2;
    let graph = LockGraph::new();
    let table = Arc::new(Table::new(&graph, PHILOSOPHERS));
    let threads: Vec<_> = (0..PHILOSOPHERS)
        .map(|seat| {
            let table = Arc::clone(&table);
            spawn_named(format!("philosopher {seat}"), move || {
                let mut rng = SplitMix64::for_stream(1, seat as u64);
                let ctx = WorkerCtx::detached();
                dine(
                    &table,
                    seat,
                    strategy,
                    MEALS,
                    &Pacing::none(),
                    &mut rng,
                    &ctx,
                )
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("no panic"), Ok(MEALS));
    }
}

#[test]
#[should_panic(
    expected = "deadlock! wait-for cycle: philosopher 0 holds fork 0 and waits for fork 1 (held by philosopher 1)"
)]
fn shuttle_finds_the_dining_deadlock() {
    model_check(|| dinner(Strategy::LeftThenRight));
}

#[test]
fn shuttle_finds_no_deadlock_with_ordered_forks() {
    model_check(|| dinner(Strategy::Ordered));
}

#[test]
fn shuttle_finds_no_deadlock_with_try_lock_and_back_off() {
    // Try-lock can retry for a while under an unlucky schedule, but every schedule finishes.
    model_check_bounded(|| dinner(Strategy::TryLock), 100_000);
}

#[test]
fn shuttle_finds_no_deadlock_with_the_arbitrator() {
    model_check(|| dinner(Strategy::Arbitrator));
}

fn two_diners(manners: Manners) {
    const MEALS: u64 = 2;
    let graph = LockGraph::new();
    let table = Arc::new(SharedTable::new(&graph));
    let threads: Vec<_> = (0..2)
        .map(|me| {
            let table = Arc::clone(&table);
            spawn_named(DINERS[me], move || {
                let mut rng = SplitMix64::for_stream(3, me as u64);
                livelock::dine(&table, me, manners, MEALS, &mut rng, &WorkerCtx::detached())
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("no panic"), Ok(MEALS));
    }
}

/// A livelock never blocks, so there is no deadlock to find: what the checker finds is that no
/// schedule lets the polite diners finish within the step bound.
#[test]
#[should_panic(expected = "exceeded max_steps bound")]
fn shuttle_finds_the_polite_livelock() {
    model_check_bounded(|| two_diners(Manners::Polite), 20_000);
}

#[test]
fn shuttle_finds_the_priority_rule_always_finishes() {
    model_check_bounded(|| two_diners(Manners::Priority), 20_000);
}

#[test]
fn shuttle_finds_random_backoff_always_finishes() {
    model_check_bounded(|| two_diners(Manners::RandomBackoff), 20_000);
}
