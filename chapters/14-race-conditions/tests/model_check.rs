//! Model checking with shuttle: the checker runs the chapter's own counter and withdrawal code
//! (its atomics, locks and threads come from shuttle under the `shuttle` feature) across many
//! schedules. It must *find* the lost update and the overdraft in the broken variants, and find
//! none in any fix.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-14 --test model_check` (the shuttle pass
//! of `cargo xtask test`). `SHUTTLE_ITERATIONS` sets how many schedules each test explores; a
//! failure prints the schedule to replay with `shuttle::replay`.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_14::check_then_act::{AMOUNT, Bank, Guarding, OPENING};
use chapter_14::counter::{Counter, Method};
use common::sync::{model_check, spawn_named};

/// Two threads, two updates each, by `method`; the body asserts the final count.
fn count_with(method: Method) {
    const THREADS: u64 = 2;
    const EACH: u64 = 2;
    let counter = Arc::new(Counter::new());
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let counter = Arc::clone(&counter);
            spawn_named(format!("thread {i}"), move || {
                counter.update(method, EACH, || {})
            })
        })
        .collect();
    let kept: Vec<u64> = threads
        .into_iter()
        .map(|t| t.join().expect("no thread panicked"))
        .collect();
    let total = counter.total(method, &kept);
    assert_eq!(
        total,
        THREADS * EACH,
        "lost update: {method:?} counted {total} of {}",
        THREADS * EACH
    );
}

#[test]
#[should_panic(expected = "lost update")]
fn shuttle_finds_the_lost_update_in_load_then_store() {
    model_check(|| count_with(Method::LoadStore));
}

#[test]
fn shuttle_finds_no_lost_update_with_fetch_add() {
    model_check(|| count_with(Method::FetchAdd));
}

#[test]
fn shuttle_finds_no_lost_update_under_the_mutex() {
    model_check(|| count_with(Method::Mutex));
}

#[test]
fn shuttle_finds_no_lost_update_with_per_thread_sums() {
    model_check(|| count_with(Method::PerThread));
}

/// Two customers withdraw [`AMOUNT`] from [`OPENING`] at once; the money allows one.
fn two_withdrawals(guarding: Guarding) {
    let bank = Arc::new(Bank::new(guarding, OPENING));
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let bank = Arc::clone(&bank);
            spawn_named(format!("customer {i}"), move || {
                bank.withdraw(AMOUNT, common::sync::thread::yield_now)
            })
        })
        .collect();
    let approved = threads
        .into_iter()
        .map(|t| t.join().expect("no customer panicked"))
        .filter(|&ok| ok)
        .count() as i64;
    let balance = bank.balance();
    assert!(
        balance >= 0,
        "overdraft: balance {balance} after {approved} approved withdrawals of {AMOUNT}"
    );
    assert_eq!(approved, 1, "the money allows exactly one withdrawal");
    assert_eq!(balance, OPENING - AMOUNT);
}

#[test]
#[should_panic(expected = "overdraft")]
fn shuttle_finds_the_overdraft_in_check_then_act() {
    model_check(|| two_withdrawals(Guarding::SeparateLocks));
}

#[test]
fn shuttle_finds_no_overdraft_with_one_lock() {
    model_check(|| two_withdrawals(Guarding::OneLock));
}

#[test]
fn shuttle_finds_no_overdraft_with_compare_exchange() {
    model_check(|| two_withdrawals(Guarding::CompareExchange));
}
