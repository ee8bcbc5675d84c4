//! A wrong withdrawal for exercise 14.2.
//!
//! Wrong: checks under one guard, lets it go, and subtracts under a second one: the book's
//! check-then-act, each step locked, the pair not.
//! Caught: between() ran while the balance was unlocked

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    {
        let balance = account.lock();
        if *balance < amount {
            return false;
        }
    }
    between();
    *account.lock() -= amount;
    true
}
