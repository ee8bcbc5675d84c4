//! Model checking with shuttle (the `shuttle` pass of `cargo xtask test`): the ticket dispenser,
//! the scheduler's instance gate and the bank's transfers, each run across many schedules. The
//! checker must *find* the bug in every broken version and find none in any fix.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-19 --test model_check`.
//! `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a failure prints the schedule
//! to replay with `shuttle::replay`. `tests/loom_model_check.rs` checks the dispenser with loom.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_19::deadlock_debugging::{LockOrder, TRANSFERS, open_accounts, transfer};
use chapter_19::instance_gate::InstanceGate;
use chapter_19::model_checking::{Version, shuttle_body};
use common::deadlock::LockGraph;
use common::sync::atomic::{AtomicUsize, Ordering};
use common::sync::{model_check, spawn_named};

#[test]
#[should_panic(expected = "duplicate ticket 0")]
fn shuttle_finds_the_duplicate_ticket() {
    model_check(shuttle_body(Version::Broken));
}

#[test]
fn shuttle_finds_no_duplicate_with_compare_and_swap() {
    model_check(shuttle_body(Version::Fixed));
}

/// Three threads at a gate of two: each enters if it may, counts itself in, and leaves.
#[test]
fn no_schedule_lets_three_into_a_gate_of_two() {
    model_check(|| {
        let gate = Arc::new(InstanceGate::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|i| {
                let (gate, inside) = (Arc::clone(&gate), Arc::clone(&inside));
                spawn_named(format!("run {i}"), move || {
                    if gate.try_enter() {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        assert!(now <= 2, "{now} instances inside a gate of 2");
                        inside.fetch_sub(1, Ordering::SeqCst);
                        gate.leave();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no run panicked");
        }
        assert_eq!(gate.running(), 0);
    });
}

fn three_transfers(order: LockOrder) {
    let graph = LockGraph::new();
    let accounts = open_accounts(&graph);
    let threads: Vec<_> = TRANSFERS
        .iter()
        .map(|&(name, from, to)| {
            let accounts = Arc::clone(&accounts);
            spawn_named(name, move || {
                transfer(&accounts, from, to, 10, order, &|| {})
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("no panic"), Ok(()));
    }
    let total: i64 = accounts.iter().map(|a| *a.lock().expect("free")).sum();
    assert_eq!(total, 3_000);
}

#[test]
#[should_panic(expected = "deadlock! wait-for cycle: fees holds account carol")]
fn shuttle_finds_the_hidden_lock_order_cycle() {
    model_check(|| three_transfers(LockOrder::SourceFirst));
}

#[test]
fn shuttle_finds_no_deadlock_with_one_lock_order() {
    model_check(|| three_transfers(LockOrder::LowerFirst));
}
