//! Loom model of the approximate counter's invariants (exercise 16.1's reference solution): a
//! read never runs ahead of the increments done, reads never go backwards, what a read misses is
//! held locally and bounded by `threads × (S − 1)`, and the flush makes the count exact.
//!
//! Run with `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2 cargo test
//! -p chapter-16 --release --test loom_counter` (the loom pass of `cargo xtask test`). The same
//! invariants are checked with shuttle and on real threads in `exercise_16_1.rs`.

#![cfg(loom)]

use std::sync::Arc;

use chapter_16::approximate_counter::ApproximateCounter;
use chapter_16::sync::{AtomicU64, Ordering, thread};

#[test]
fn reads_stay_within_the_bound_and_the_flush_is_exact() {
    loom::model(|| {
        const EACH: u64 = 3;
        const THRESHOLD: u64 = 2;
        let counter = Arc::new(ApproximateCounter::new(2, THRESHOLD));
        let done = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..2)
            .map(|me| {
                let (counter, done) = (Arc::clone(&counter), Arc::clone(&done));
                thread::spawn(move || {
                    for _ in 0..EACH {
                        done.fetch_add(1, Ordering::SeqCst);
                        counter.increment(me);
                    }
                })
            })
            .collect();
        let first = counter.read();
        let second = counter.read();
        assert!(
            first <= second,
            "a read went backwards: {first} then {second}"
        );
        assert!(
            second <= done.load(Ordering::SeqCst),
            "a read ran ahead of the increments done"
        );
        for t in threads {
            t.join().expect("no panic");
        }
        let total = 2 * EACH;
        let read = counter.read();
        assert!(
            total - read <= counter.error_bound(),
            "missed {} > bound",
            total - read
        );
        assert_eq!(
            read + counter.pending(),
            total,
            "every count is global or local"
        );
        counter.flush();
        assert_eq!(counter.read(), total);
    });
}
