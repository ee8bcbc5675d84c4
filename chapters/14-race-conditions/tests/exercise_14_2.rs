//! Grading suite of exercise 14.2 (the atomic withdrawal), run by
//! `cargo xtask exercise check 14.2`.
//!
//! The suite is written once, in `suite!`, and run against each `withdraw` in a module of its
//! own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_withdrawal.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, with a pause between
//! check and act to widen the window (a deadlock — say, calling `account.balance()` while holding
//! the guard — fails fast with the threads' states named), and, with `--cfg shuttle`, the
//! model checker across many schedules.
//!
//! Checked at every step, not only after the join: `between()` runs only for an approved
//! withdrawal and always while the balance is locked (one guard spans check and act), and an
//! observer reading the balance while customers withdraw never sees it below zero.

use chapter_14::account::Account;

/// The tests, against the `withdraw` of the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::withdraw;
        use chapter_14::account::Account;
        use crate::assert_round;

        /// Asserts that the balance is locked while `between()` runs.
        fn held(account: &Account) {
            assert!(
                account.is_locked(),
                "between() ran while the balance was unlocked: the check and the act must be \
                 under one guard from `account.lock()`, held from the check, across between(), \
                 to the subtraction"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::assert_finished;
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
            use std::time::Duration;

            const SELF_DEADLOCK: &str = "is the thread waiting for a lock it holds itself? \
                                         `account.balance()` locks";

            /// Runs `body` on a watched thread: a self-deadlock fails the test in seconds, not
            /// never.
            fn watched(body: impl FnOnce() + Send + 'static) {
                let report = Watchdog::new(Duration::from_secs(10))
                    .stall_after(Duration::from_secs(2))
                    .run(vec![worker("customer", move |ctx: &WorkerCtx| {
                        body();
                        ctx.progress();
                    })]);
                assert_finished(&report, SELF_DEADLOCK);
            }

            #[test]
            fn one_customer_covered_and_uncovered() {
                watched(|| {
                    let account = Account::new(100);
                    let calls = AtomicU64::new(0);
                    let between = || {
                        held(&account);
                        calls.fetch_add(1, Ordering::SeqCst);
                    };
                    assert!(
                        withdraw(&account, 30, between),
                        "a balance of 100 covers a withdrawal of 30"
                    );
                    assert_eq!(account.balance(), 70, "an approved withdrawal is subtracted");
                    assert_eq!(
                        calls.load(Ordering::SeqCst),
                        1,
                        "call between() once per approved withdrawal"
                    );
                    assert!(
                        !withdraw(&account, 71, between),
                        "a balance of 70 does not cover a withdrawal of 71"
                    );
                    assert_eq!(account.balance(), 70, "a refused withdrawal changes nothing");
                    assert_eq!(
                        calls.load(Ordering::SeqCst),
                        1,
                        "between() ran for a refused withdrawal: call it only once the check has \
                         passed"
                    );
                    assert!(
                        withdraw(&account, 70, between),
                        "a balance of 70 covers a withdrawal of 70 (the whole balance)"
                    );
                    assert_eq!(account.balance(), 0);
                });
            }

            /// Counts a customer as done when it is dropped, by a return or a panic alike.
            struct Leaving(Arc<AtomicUsize>);

            impl Drop for Leaving {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }

            /// One round: `customers` withdraw `amount` at once, pausing between check and act,
            /// while an observer reads the balance; returns how many were approved.
            fn round(account: &Arc<Account>, customers: usize, amount: i64) -> i64 {
                let done = Arc::new(AtomicUsize::new(0));
                let mut workers: Vec<_> = (0..customers)
                    .map(|i| {
                        let (account, done) = (Arc::clone(account), Arc::clone(&done));
                        worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                            let _leaving = Leaving(done);
                            let ok = withdraw(&account, amount, || {
                                held(&account);
                                std::thread::sleep(Duration::from_millis(1))
                            });
                            ctx.progress();
                            Some(ok)
                        })
                    })
                    .collect();
                let (observed, done) = (Arc::clone(account), Arc::clone(&done));
                workers.push(worker("observer", move |ctx: &WorkerCtx| {
                    while done.load(Ordering::SeqCst) < customers && !ctx.should_stop() {
                        let balance = observed.balance();
                        assert!(
                            balance >= 0,
                            "overdraft: an observer saw the balance at {balance} while \
                             customers were withdrawing"
                        );
                        ctx.progress();
                        std::thread::yield_now();
                    }
                    None
                }));
                let report = Watchdog::new(Duration::from_secs(10))
                    .stall_after(Duration::from_secs(2))
                    .run(workers);
                assert_finished(&report, SELF_DEADLOCK);
                report
                    .results()
                    .into_iter()
                    .flatten()
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

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            fn customers_at_once(customers: i64, opening: i64, amount: i64) {
                let account = Arc::new(Account::new(opening));
                let threads: Vec<_> = (0..customers)
                    .map(|i| {
                        let account = Arc::clone(&account);
                        spawn_named(format!("customer {i}"), move || {
                            withdraw(&account, amount, || {
                                held(&account);
                                common::sync::thread::yield_now();
                            })
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
    };
}

/// Asserts the end of a round: never below zero, exactly as many approvals as the money allows.
fn assert_round(account: &Account, opening: i64, amount: i64, customers: i64, approved: i64) {
    let balance = account.balance();
    assert!(
        balance >= 0,
        "overdraft: {approved} of {customers} withdrawals of {amount} approved from {opening}, \
         balance {balance}"
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

/// The learner's withdrawal (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_14::withdrawal);
}

#[cfg(mutants)]
mod e2_two_locks {
    suite!(chapter_14::mutants::e2_two_locks);
}

#[cfg(mutants)]
mod e2_check_before_lock {
    suite!(chapter_14::mutants::e2_check_before_lock);
}

#[cfg(mutants)]
mod e2_balance_under_guard {
    suite!(chapter_14::mutants::e2_balance_under_guard);
}

#[cfg(mutants)]
mod e2_refuses_whole_balance {
    suite!(chapter_14::mutants::e2_refuses_whole_balance);
}

#[cfg(mutants)]
mod e2_between_before_check {
    suite!(chapter_14::mutants::e2_between_before_check);
}
