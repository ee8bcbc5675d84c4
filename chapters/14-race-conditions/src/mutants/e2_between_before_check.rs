//! A wrong withdrawal for exercise 14.2.
//!
//! Wrong: calls `between()` before the check, so it runs for refused withdrawals too.
//! Caught: between() ran for a refused withdrawal

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    let mut balance = account.lock();
    between();
    if *balance < amount {
        return false;
    }
    *balance -= amount;
    true
}
