//! Loom litmus tests: every interleaving *and every value a load may legally return*, for the
//! chapter's own litmus bodies (exercises 17.1 and 17.2 have their loom tests in their own
//! suites, `tests/exercise_17_*.rs`).
//!
//! Each test runs a tiny two-thread program under `loom::model`, collects the outcome of every
//! execution loom explores, and asserts on the set: a weak outcome the model allows must be in
//! it (loom found it), an outcome an ordering forbids must not. This is what x86 cannot show:
//! the store-buffering example sees r1 = r2 = 0 on real threads, but message passing's
//! `(flag, data) = (1, 0)` never appears on x86 whatever the ordering; here it does, for
//! `Relaxed` only.
//!
//! What loom does and does not guarantee (loom 0.7's README, "Unsupported features"), and so what
//! these tests assert:
//! - `SeqCst` *accesses* (loads, stores, RMWs) are modelled as `AcqRel`. Loom therefore reports
//!   r1 = r2 = 0 for store buffering with `SeqCst` loads and stores — a false alarm, its issue
//!   #180 — so the `seq-cst` variant is **not** asserted here: its guarantee is the model's, and
//!   the real-thread test (`tests/examples.rs`) checks that x86 keeps it. `fence(SeqCst)` *is*
//!   modelled, so the `fence` variant's "never r1 = r2 = 0" is asserted.
//! - Loom does not explore load buffering (a load returning a value stored *later* in another
//!   thread), so "loom found no bug" is not a proof for programs where that matters. None of
//!   these tests depends on it.
//! - Loom explores exhaustively up to a preemption bound (`LOOM_MAX_PREEMPTIONS`, 2 in CI,
//!   read by `Builder::new`); every outcome asserted reachable here needs none at all, because
//!   loom lets a load return an older store rather than forcing a context switch.
//!
//! Run: `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2 \
//!       cargo test -p chapter-17 --release --test loom_litmus -- --nocapture`
//! (or `cargo xtask test`, which runs every crate's loom pass).
//! Book section: chapter 17, "Memory models".

#![cfg(loom)]

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;

use chapter_17::litmus::{self, Order};
use chapter_17::sync::{Arc, AtomicBool, AtomicU64, Ordering, thread};

/// Runs `program` under loom and returns every outcome any explored execution produced.
fn outcomes<F>(name: &str, program: F) -> BTreeSet<(u64, u64)>
where
    F: Fn() -> (u64, u64) + Sync + Send + 'static,
{
    let seen = std::sync::Arc::new(StdMutex::new(BTreeSet::new()));
    let into = std::sync::Arc::clone(&seen);
    loom::model::Builder::new().check(move || {
        let outcome = program();
        into.lock().expect("not poisoned").insert(outcome);
    });
    let seen = seen.lock().expect("not poisoned").clone();
    println!("{name}: outcomes loom explored: {seen:?}");
    seen
}

/// Store buffering with `order`: A runs `sb_thread(x, y)`, B `sb_thread(y, x)`; `(r1, r2)`.
fn store_buffering(order: Order) -> (u64, u64) {
    let x = Arc::new(AtomicU64::new(0));
    let y = Arc::new(AtomicU64::new(0));
    let (xa, ya) = (Arc::clone(&x), Arc::clone(&y));
    let a = thread::spawn(move || litmus::sb_thread(&xa, &ya, order));
    let b = thread::spawn(move || litmus::sb_thread(&y, &x, order));
    (a.join().expect("A finished"), b.join().expect("B finished"))
}

/// Message passing with `order` on the flag; the reader's `(flag, data)`.
fn message_passing(order: Order) -> (u64, u64) {
    let data = Arc::new(AtomicU64::new(0));
    let flag = Arc::new(AtomicU64::new(0));
    let (dw, fw) = (Arc::clone(&data), Arc::clone(&flag));
    let writer = thread::spawn(move || litmus::mp_writer(&dw, &fw, order));
    let seen = litmus::mp_reader(&data, &flag, order);
    writer.join().expect("writer finished");
    seen
}

#[test]
fn relaxed_store_buffering_can_read_both_zeros() {
    let seen = outcomes("store buffering, Relaxed", || {
        store_buffering(Order::Relaxed)
    });
    assert!(
        seen.contains(&(0, 0)),
        "loom should reach r1 = r2 = 0: {seen:?}"
    );
    // The interleavings without any reordering are all there too.
    for sc in [(0, 1), (1, 0), (1, 1)] {
        assert!(seen.contains(&sc), "{sc:?} missing from {seen:?}");
    }
}

#[test]
fn release_acquire_store_buffering_can_still_read_both_zeros() {
    let seen = outcomes("store buffering, Release/Acquire", || {
        store_buffering(Order::ReleaseAcquire)
    });
    assert!(seen.contains(&(0, 0)), "{seen:?}");
}

#[test]
fn seq_cst_fences_forbid_both_zeros() {
    let seen = outcomes("store buffering, fence(SeqCst)", || {
        store_buffering(Order::Fence)
    });
    assert!(
        !seen.contains(&(0, 0)),
        "a SeqCst fence must forbid it: {seen:?}"
    );
    // Not vacuous: the other three outcomes were explored.
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[test]
fn seq_cst_accesses_reach_every_interleaving() {
    // The model forbids r1 = r2 = 0 here, but loom models SeqCst accesses as AcqRel (see the
    // header) and does report it (loom 0.7.3 on this project: all four outcomes) — a false
    // alarm about the program, so it is printed, not asserted. What loom does guarantee is that
    // it explores every interleaving.
    let seen = outcomes("store buffering, SeqCst accesses", || {
        store_buffering(Order::SeqCst)
    });
    for sc in [(0, 1), (1, 0), (1, 1)] {
        assert!(seen.contains(&sc), "{sc:?} missing from {seen:?}");
    }
}

#[test]
fn relaxed_message_passing_can_see_the_flag_without_the_data() {
    let seen = outcomes("message passing, Relaxed", || {
        message_passing(Order::Relaxed)
    });
    assert!(
        seen.contains(&(1, 0)),
        "loom should reach flag = 1, data = 0: {seen:?}"
    );
}

#[test]
fn release_acquire_message_passing_always_sees_the_data() {
    let seen = outcomes("message passing, Release/Acquire", || {
        message_passing(Order::ReleaseAcquire)
    });
    assert!(!seen.contains(&(1, 0)), "{seen:?}");
    assert!(
        seen.contains(&(1, 42)),
        "the flag was seen in some execution: {seen:?}"
    );
    assert!(seen.contains(&(0, 0)), "{seen:?}");
}

/// The same lock with every ordering `Relaxed`: it still excludes (the CAS is atomic), but it no
/// longer publishes the holder's writes to the next holder.
struct RelaxedLock(AtomicBool);

impl RelaxedLock {
    fn lock(&self) {
        while self
            .0
            .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            thread::yield_now();
        }
    }

    fn unlock(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

#[test]
fn a_relaxed_lock_excludes_but_loses_updates() {
    let seen = outcomes("relaxed lock", || {
        let lock = Arc::new(RelaxedLock(AtomicBool::new(false)));
        let counter = Arc::new(AtomicU64::new(0));
        let (l2, c2) = (Arc::clone(&lock), Arc::clone(&counter));
        let bump = |lock: &RelaxedLock, counter: &AtomicU64| {
            lock.lock();
            let seen = counter.load(Ordering::Relaxed);
            counter.store(seen + 1, Ordering::Relaxed);
            lock.unlock();
        };
        let t = thread::spawn(move || bump(&l2, &c2));
        bump(&lock, &counter);
        t.join().expect("finished");
        (counter.load(Ordering::Relaxed), 0)
    });
    assert!(
        seen.contains(&(1, 0)),
        "loom should find the lost update: {seen:?}"
    );
}
