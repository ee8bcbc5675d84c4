//! A wrong withdrawal for exercise 14.2.
//!
//! Wrong: takes the guard, then checks with `account.balance()`, which locks the same mutex again:
//! the customer waits for itself forever.
//! Caught: waiting for a lock it holds itself

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    let mut balance = account.lock();
    if account.balance() < amount {
        return false;
    }
    between();
    *balance -= amount;
    true
}
