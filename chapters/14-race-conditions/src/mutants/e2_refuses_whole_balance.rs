//! A wrong withdrawal for exercise 14.2.
//!
//! Wrong: compares with `<=`: a withdrawal of exactly the balance is refused.
//! Caught: covers a withdrawal of 70 (the whole balance)

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    let mut balance = account.lock();
    if *balance <= amount {
        return false;
    }
    between();
    *balance -= amount;
    true
}
