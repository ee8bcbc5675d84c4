//! Model checking with shuttle: the chapter's thread pool and scoped split run with shuttle's
//! threads and atomics (under the `shuttle` feature) across many schedules. The pool's shared
//! work index must give every number to exactly one worker in every schedule; a load-then-store
//! index, the tempting wrong version, is shown to hand a number out twice.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-1 --test model_check`.
//! `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a failure prints the
//! schedule to replay with `shuttle::replay`.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_1::prime_check::primes_pool;
use chapter_1::primes::primes_sequential;
use chapter_1::split::primes_split;
use common::sync::atomic::{AtomicUsize, Ordering};
use common::sync::{model_check, spawn_named};

/// The numbers 0..12: small, so each check is instant and the schedules are what varies.
fn small() -> Vec<u64> {
    (0..12).collect()
}

#[test]
fn the_pool_gives_every_number_to_exactly_one_worker() {
    model_check(|| {
        let numbers = small();
        let run = primes_pool(&numbers, 3);
        assert_eq!(run.jobs.iter().sum::<usize>(), numbers.len());
        assert_eq!(run.primes, primes_sequential(&numbers));
    });
}

#[test]
fn the_split_combines_in_input_order() {
    model_check(|| {
        let numbers = small();
        assert_eq!(primes_split(&numbers, 3), primes_sequential(&numbers));
    });
}

/// The tempting wrong index: read the counter, then write it back plus one. Two workers can
/// read the same value between one's load and its store.
struct LoadThenStore {
    next: AtomicUsize,
    len: usize,
}

impl LoadThenStore {
    fn claim(&self) -> Option<usize> {
        let i = self.next.load(Ordering::SeqCst);
        self.next.store(i + 1, Ordering::SeqCst);
        (i < self.len).then_some(i)
    }
}

#[test]
#[should_panic(expected = "claimed twice")]
fn shuttle_finds_a_load_then_store_index_handing_a_job_out_twice() {
    model_check(|| {
        let index = Arc::new(LoadThenStore {
            next: AtomicUsize::new(0),
            len: 4,
        });
        let threads: Vec<_> = (0..2)
            .map(|w| {
                let index = Arc::clone(&index);
                spawn_named(format!("worker {w}"), move || {
                    let mut mine = Vec::new();
                    while let Some(i) = index.claim() {
                        mine.push(i);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<usize> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("no panic"))
            .collect();
        all.sort_unstable();
        let before = all.len();
        all.dedup();
        assert_eq!(all.len(), before, "a job was claimed twice");
    });
}
