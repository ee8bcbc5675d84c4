//! Loom checks the ticket dispenser exhaustively: every interleaving of two threads taking one
//! ticket each (up to `LOOM_MAX_PREEMPTIONS`), on the very `TicketDispenser` the stress test and
//! shuttle run, with loom's `AtomicUsize` plugged in.
//!
//! Side by side with shuttle (`tests/model_check.rs`): shuttle samples schedules at random and
//! hands back a replayable one; loom enumerates all of them, so "loom found none" is a proof for
//! this bounded test, and a failure is the first bad interleaving in its fixed exploration order
//! (rerun with `LOOM_LOG=trace` to see the schedule step by step, or set
//! `LOOM_CHECKPOINT_FILE=loom.json` to save it and replay from there).
//!
//! Run: `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2 cargo test
//! -p chapter-19 --release --test loom_model_check`.

#![cfg(loom)]

use chapter_19::model_checking::{TicketDispenser, Version, assert_distinct};
use loom::sync::Arc;
use loom::sync::atomic::AtomicUsize;

fn two_takers(version: Version) {
    loom::model(move || {
        let dispenser = Arc::new(TicketDispenser::<AtomicUsize>::new(10, version));
        let takers: Vec<_> = (0..2)
            .map(|_| {
                let dispenser = Arc::clone(&dispenser);
                loom::thread::spawn(move || dispenser.take())
            })
            .collect();
        let tickets: Vec<Option<usize>> = takers
            .into_iter()
            .map(|t| t.join().expect("no taker panicked"))
            .collect();
        assert_distinct(&tickets);
    });
}

#[test]
#[should_panic(expected = "duplicate ticket 0")]
fn loom_finds_the_duplicate_ticket() {
    two_takers(Version::Broken);
}

#[test]
fn loom_finds_no_duplicate_with_compare_and_swap() {
    two_takers(Version::Fixed);
}

/// A full dispenser: the fixed version hands out its last ticket once and then refuses.
#[test]
fn loom_finds_the_last_ticket_taken_once() {
    loom::model(|| {
        let dispenser = Arc::new(TicketDispenser::<AtomicUsize>::new(1, Version::Fixed));
        let other = Arc::clone(&dispenser);
        let taker = loom::thread::spawn(move || other.take());
        let mine = dispenser.take();
        let theirs = taker.join().expect("no panic");
        let mut got = [mine, theirs];
        got.sort();
        assert_eq!(got, [None, Some(0)]);
    });
}
