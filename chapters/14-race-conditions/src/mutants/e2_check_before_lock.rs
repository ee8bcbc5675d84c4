//! A wrong withdrawal for exercise 14.2.
//!
//! Wrong: checks with `account.balance()` and only then takes the guard for the act: two customers
//! can both pass the check before either takes the guard.
//! Caught: overdraft

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    if account.balance() < amount {
        return false;
    }
    let mut balance = account.lock();
    between();
    *balance -= amount;
    true
}
