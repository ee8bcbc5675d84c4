//! Model checking with shuttle: the checker runs the chapter's own lock-based code (its atomics,
//! locks and threads come from shuttle under the `shuttle` feature) across many schedules. It
//! must *find* the lockless counter's lost update, and find none in the locked counter.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-16 --test model_check` (the shuttle pass of
//! `cargo xtask test`). `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a
//! failure prints the schedule to replay with `shuttle::replay`. The approximate counter and
//! `Published` are model-checked in their exercise suites (`exercise_16_1.rs`,
//! `exercise_16_2.rs`); the lock-free stack with loom (`loom_treiber.rs`).

#![cfg(all(shuttle, not(loom)))]

use std::sync::Arc;

use chapter_16::lockless_counter::Counters;
use common::sync::{model_check, spawn_named, thread};

/// Two workers, two increments each; the body asserts the final count is 4.
fn two_workers(locked: bool) {
    let counters = Arc::new(Counters::new());
    let workers: Vec<_> = (0..2)
        .map(|i| {
            let counters = Arc::clone(&counters);
            spawn_named(format!("worker {i}"), move || {
                for _ in 0..2 {
                    // The pause is a yield: a point where the checker may switch threads.
                    if locked {
                        counters.locked_increment(thread::yield_now);
                    } else {
                        counters.lockless_increment(thread::yield_now);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no panic");
    }
    let value = if locked {
        counters.locked_value()
    } else {
        counters.lockless_value()
    };
    assert_eq!(value, 4, "lost update: {value} of 4");
}

#[test]
#[should_panic(expected = "lost update")]
fn shuttle_finds_the_lockless_counters_lost_update() {
    model_check(|| two_workers(false));
}

#[test]
fn shuttle_finds_no_lost_update_under_the_lock() {
    model_check(|| two_workers(true));
}
