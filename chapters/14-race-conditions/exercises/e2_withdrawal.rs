//! Exercise 14.2 — make the withdrawal atomic: one lock across check and act.
//!
//! `cargo run -p chapter-14 -- run check-then-act --variant broken` overdraws the account: two
//! customers each lock the balance to *check* it (100 ≥ 60: fine), release the lock, and lock it
//! again to *act* (subtract 60). Both checks pass before either act, and the balance ends at −20.
//! Every access was locked; the pair was not.
//!
//! Write `withdraw` so that the check and the act happen under ONE guard from
//! `account.lock()`. Call `between()` once, after the check has passed and before you subtract:
//! it stands for the latency between the two (the grader uses it to widen the window).
//!
//! What the grader checks (`cargo xtask exercise check 14.2`):
//! - one customer: a covered withdrawal is approved and subtracted (the whole balance too); an
//!   uncovered one is refused and leaves the balance alone;
//! - `between()` runs once per approved withdrawal, never for a refused one, and always while the
//!   balance is locked;
//! - customers withdrawing at once never overdraw the account, not even for a moment (an
//!   observer reads the balance meanwhile), and exactly as many are approved as the money allows
//!   — on real threads under a watchdog (a deadlock fails fast), and under the shuttle model
//!   checker across many schedules.

use crate::account::Account;

/// Withdraws `amount` if the balance covers it; returns whether it did. `between` runs once,
/// after a successful check and before the act.
pub fn withdraw(account: &Account, amount: i64, between: impl Fn()) -> bool {
    // TODO: approve the withdrawal only if the balance covers it, and subtract it, so that no
    // other customer can act between your check and your subtraction; call `between()` once
    // between the two, for an approved withdrawal only.
    let _ = (account, amount, &between);
    todo!("check and act under one lock")
}
