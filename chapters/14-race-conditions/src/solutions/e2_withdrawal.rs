//! Reference solution of exercise 14.2: a withdrawal whose check and act happen under one lock.
//!
//! The broken withdrawal in `check_then_act.rs` locks the balance to check it, releases the lock,
//! and locks it again to subtract: between the two, another customer can check the same balance,
//! and both withdraw. Holding one guard from the check to the act makes the pair atomic: a second
//! customer's check waits until the first has acted, and then sees what is really left.
//!
//! Run `cargo xtask exercise check 14.2` to grade your own version in `exercises/`.

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act (it stands for the latency between them).
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    let mut balance = account.lock();
    if *balance < amount {
        return false;
    }
    between(); // other customers wait for the guard: nobody can check a balance about to change
    *balance -= amount;
    true
}
