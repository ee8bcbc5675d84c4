//! Grading suite of exercise 14.2 (the atomic withdrawal), run by
//! `cargo xtask exercise check 14.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_withdrawal.rs`. Two passes: real threads under a watchdog,
//! with a pause between check and act to widen the window (a deadlock — say, calling
//! `account.balance()` while holding the guard — fails fast with the threads' states named),
//! and, with `--features shuttle`, the model checker across many schedules.

use std::sync::Arc;

use chapter_14::check_then_act::Account;
use chapter_14::withdrawal::withdraw;

/// Asserts the end of a round: never below zero, exactly as many approvals as the money allows.
fn assert_round(account: &Account, opening: i64, amount: i64, customers: i64, approved: i64) {
    let balance = account.balance();
    assert!(
        balance >= 0,
        "overdraft: {approved} of {customers} withdrawals of {amount} approved from {opening}, balance {balance}"
    );
    let allowed = (opening / amount).min(customers);
    assert_eq!(
        approved, allowed,
        "{approved} withdrawals approved where the money allowed {allowed}"
    );
    assert_eq!(
        balance,
        opening - amount * approved,
        "the balance does not match the approvals"
    );
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    /// Counts how often `between` ran.
    fn counting(calls: &AtomicU64) -> impl Fn() + '_ {
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Runs `body` on a watched thread: a self-deadlock fails the test in seconds, not never.
    fn watched(body: impl FnOnce() + Send + 'static) {
        let report = Watchdog::new(Duration::from_secs(10))
            .stall_after(Duration::from_secs(2))
            .run(vec![worker("customer", move |ctx: &WorkerCtx| {
                body();
                ctx.progress();
            })]);
        assert_finished(
            &report,
            "is the thread waiting for a lock it holds itself? `account.balance()` locks",
        );
    }

    #[test]
    fn one_customer_covered_and_uncovered() {
        watched(|| {
            let account = Account::new(100);
            let calls = AtomicU64::new(0);
            assert!(withdraw(&account, 30, counting(&calls)), "100 covers 30");
            assert_eq!(account.balance(), 70);
            assert_eq!(
                calls.load(Ordering::SeqCst),
                1,
                "call between() once per approved withdrawal"
            );
            assert!(
                !withdraw(&account, 71, counting(&calls)),
                "70 does not cover 71"
            );
            assert_eq!(
                account.balance(),
                70,
                "a refused withdrawal changes nothing"
            );
            assert!(withdraw(&account, 70, counting(&calls)), "70 covers 70");
            assert_eq!(account.balance(), 0);
        });
    }

    /// One round: `customers` withdraw `amount` from `opening` at once, pausing between check
    /// and act; returns how many were approved.
    fn round(account: &Arc<Account>, customers: usize, amount: i64) -> i64 {
        let workers = (0..customers)
            .map(|i| {
                let account = Arc::clone(account);
                worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                    let ok = withdraw(&account, amount, || {
                        std::thread::sleep(Duration::from_millis(1))
                    });
                    ctx.progress();
                    ok
                })
            })
            .collect();
        let report = Watchdog::new(Duration::from_secs(10))
            .stall_after(Duration::from_secs(2))
            .run(workers);
        assert_finished(&report, "is a thread waiting for a lock it holds itself?");
        report
            .results()
            .into_iter()
            .flatten()
            .filter(|&&ok| ok)
            .count() as i64
    }

    #[test]
    fn customers_at_once_never_overdraw() {
        for (customers, opening, amount) in [(2, 100, 60), (4, 100, 60), (5, 100, 30)] {
            for _ in 0..20 {
                let account = Arc::new(Account::new(opening));
                let approved = round(&account, customers, amount);
                assert_round(&account, opening, amount, customers as i64, approved);
            }
        }
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    fn customers_at_once(customers: i64, opening: i64, amount: i64) {
        let account = Arc::new(Account::new(opening));
        let threads: Vec<_> = (0..customers)
            .map(|i| {
                let account = Arc::clone(&account);
                spawn_named(format!("customer {i}"), move || {
                    withdraw(&account, amount, common::sync::thread::yield_now)
                })
            })
            .collect();
        let approved = threads
            .into_iter()
            .map(|t| t.join().expect("no customer panicked"))
            .filter(|&ok| ok)
            .count() as i64;
        assert_round(&account, opening, amount, customers, approved);
    }

    #[test]
    fn no_schedule_overdraws_two_customers() {
        model_check(|| customers_at_once(2, 100, 60));
    }

    #[test]
    fn no_schedule_overdraws_three_customers() {
        model_check(|| customers_at_once(3, 100, 40));
    }
}
