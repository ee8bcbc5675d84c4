//! Check-then-act (time of check to time of use, TOCTOU): two withdrawals both see enough money,
//! both take it, and the account is overdrawn — although every access to the balance is locked.
//!
//! The race of `lost-updates` in another shape. A withdrawal *checks* the balance, then *acts*
//! on what it saw. If the lock is taken for the check and again for the act, another withdrawal
//! can check in between: both see 100, both take 60, the balance ends at −20. Locking each step
//! does not make the pair atomic. (The book's chapter 14 describes the hazard in words; this
//! example gives it code.)
//!
//! The variants, each round being `--threads` customers (default 2) withdrawing 60 at once from
//! an account holding 100, with a 1 ms pause between check and act:
//! - `broken`: check under the lock, release, pause, act under the lock again;
//! - `one-lock`: hold one guard across check, pause and act ([`crate::withdrawal`], which is
//!   exercise 14.2): the others wait, then see 40 and are refused;
//! - `compare-exchange`: no lock; check a snapshot, pause, then `compare_exchange(seen, seen −
//!   60)`: the act succeeds only if the balance is still what was checked, else check again.
//!
//! The 1 ms pause is the subject (the latency of a fraud check, a network round trip): it is
//! the window between check and act, and the report says so.
//!
//! Run: `cargo run -p chapter-14 -- run check-then-act [--variant broken] [--threads 4]`.
//! Expect: `broken` overdraws most rounds (it *may* not, in a given round: a race); the fixes
//! approve exactly one withdrawal per round and never go below zero.

use std::time::Duration;

use common::sync::atomic::{AtomicI64, Ordering};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::account::Account;

/// The balance every round starts with.
pub const OPENING: i64 = 100;
/// What each customer withdraws: more than half the opening, so only one may succeed.
pub const AMOUNT: i64 = 60;

/// The broken withdrawal: the check and the act each take the lock, separately. Returns whether
/// the withdrawal was approved. `between` runs after the check and before the act.
pub fn withdraw_check_then_act(account: &Account, amount: i64, between: impl Fn()) -> bool {
    if account.balance() < amount {
        // check (the lock is already released)
        return false;
    }
    between(); // another customer may check now, and see the same balance
    *account.lock() -= amount; // act, on a check that may no longer hold
    true
}

/// The lock-free fix: act only if the balance is still the one checked, else check again.
pub fn withdraw_compare_exchange(balance: &AtomicI64, amount: i64, between: impl Fn()) -> bool {
    let mut seen = balance.load(Ordering::SeqCst);
    loop {
        if seen < amount {
            return false;
        }
        between();
        match balance.compare_exchange(seen, seen - amount, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return true,
            Err(now) => seen = now, // someone acted in between: our check is stale
        }
    }
}

common::variants! {
    /// How the withdrawal guards its check and act.
    pub enum Guarding {
        /// One lock for the check, another for the act: the race.
        SeparateLocks = "broken": "check under the lock, release, act under the lock again",
        /// One guard held across check and act.
        OneLock = "one-lock": "one guard held across check and act (exercise 14.2)",
        /// An atomic balance, with a compare-exchange that re-checks.
        CompareExchange = "compare-exchange": "no lock: act only if the balance is still the one checked",
    }
}

/// A bank with one account, guarded one way: the state one round shares between customers.
#[derive(Debug)]
pub struct Bank {
    guarding: Guarding,
    locked: Account,
    atomic: AtomicI64,
}

impl Bank {
    /// A bank whose account holds `opening`.
    pub fn new(guarding: Guarding, opening: i64) -> Self {
        Self {
            guarding,
            locked: Account::new(opening),
            atomic: AtomicI64::new(opening),
        }
    }

    /// One customer's withdrawal of `amount`; `between` runs between check and act.
    pub fn withdraw(&self, amount: i64, between: impl Fn()) -> bool {
        match self.guarding {
            Guarding::SeparateLocks => withdraw_check_then_act(&self.locked, amount, between),
            Guarding::OneLock => crate::withdrawal::withdraw(&self.locked, amount, between),
            Guarding::CompareExchange => withdraw_compare_exchange(&self.atomic, amount, between),
        }
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        match self.guarding {
            Guarding::CompareExchange => self.atomic.load(Ordering::SeqCst),
            Guarding::SeparateLocks | Guarding::OneLock => self.locked.balance(),
        }
    }
}

/// What one round ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Withdrawals approved.
    pub approved: u64,
    /// The balance after every customer was done.
    pub balance: i64,
}

impl Round {
    /// Whether the account ended below zero.
    pub fn overdrawn(&self) -> bool {
        self.balance < 0
    }
}

/// Runs one round on real threads under the watchdog: `customers` withdraw [`AMOUNT`] at once
/// from [`OPENING`], each pausing `window` between check and act.
pub fn run_round(guarding: Guarding, customers: usize, window: Duration) -> anyhow::Result<Round> {
    let bank = std::sync::Arc::new(Bank::new(guarding, OPENING));
    let workers = (0..customers)
        .map(|i| {
            let bank = std::sync::Arc::clone(&bank);
            worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                let approved = bank.withdraw(AMOUNT, || std::thread::sleep(window));
                ctx.progress();
                approved
            })
        })
        .collect();
    let budget = Duration::from_secs(5);
    let report = Watchdog::new(budget).stall_after(budget).run(workers);
    anyhow::ensure!(
        report.panics().is_empty(),
        "a thread panicked: {}",
        report.panics().join("; ")
    );
    anyhow::ensure!(
        report.ending == Ending::Finished,
        "the customers did not all finish: {}",
        report.describe_ending()
    );
    let approved = report
        .results()
        .into_iter()
        .flatten()
        .filter(|&&a| a)
        .count() as u64;
    Ok(Round {
        approved,
        balance: bank.balance(),
    })
}

/// Runs one variant: many rounds, counting the overdrafts.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let guarding = config.variant_of::<Guarding>()?;
    let rounds = config.pick(20, 200);
    let window = Duration::from_millis(1);
    let results = (0..rounds)
        .map(|_| run_round(guarding, config.threads, window))
        .collect::<anyhow::Result<Vec<Round>>>()?;

    let overdrafts = results.iter().filter(|r| r.overdrawn()).count();
    let lowest = results.iter().map(|r| r.balance).min().unwrap_or(OPENING);
    let approved: u64 = results.iter().map(|r| r.approved).sum();
    // Each round the money allows floor(100 / 60) = 1 withdrawal.
    let allowed = (OPENING / AMOUNT) as u64 * rounds as u64;
    let books_balance = results
        .iter()
        .all(|r| r.balance == OPENING - AMOUNT * r.approved as i64);

    let mut table = TableData::new(
        "Balance at the end of each round → how many rounds",
        &["balance", "approved withdrawals", "rounds"],
    );
    let mut endings: Vec<(i64, u64)> = results.iter().map(|r| (r.balance, r.approved)).collect();
    endings.sort_unstable_by(|a, b| b.cmp(a));
    endings.dedup();
    for (balance, approvals) in endings {
        let n = results
            .iter()
            .filter(|r| r.balance == balance && r.approved == approvals)
            .count();
        table.row([balance.to_string(), approvals.to_string(), n.to_string()]);
    }

    let showed = match guarding {
        Guarding::SeparateLocks => overdrafts > 0,
        Guarding::OneLock | Guarding::CompareExchange => overdrafts == 0 && approved == allowed,
    };
    Ok(config.outcome(Verdict::from(showed),
    )
    .line(format!(
        "{rounds} rounds: {} customers each withdraw {AMOUNT} from an account holding {OPENING}.",
        config.threads
    ))
    .line(format!(
        "Between check and act each pauses {} (the sleep is the subject: the window of the race).",
        common::timing::human(window)
    ))
    .line(format!(
        "Approved {approved} withdrawals where the money allowed {allowed}; overdrawn in {overdrafts} of {rounds} rounds; lowest balance {lowest}."
    ))
    .line(match (books_balance, guarding) {
        (true, Guarding::SeparateLocks) => {
            "Every round's balance is 100 − 60 × approvals: no subtraction was lost; the checks were stale."
        }
        (true, _) => "Every round's balance is 100 − 60 × approvals: no subtraction was lost.",
        (false, _) => {
            "Some round's balance does not match its approvals: a subtraction was lost."
        }
    })
    .table(table)
    .count("overdrafts", overdrafts, "rounds").as_key()
    .count("rounds", rounds, "rounds")
    .count("approved", approved, "withdrawals")
    .count("allowed", allowed, "withdrawals")
    .figure("lowest balance", lowest as f64, "")
    .notice(match (guarding, showed) {
        (Guarding::SeparateLocks, true) => {
            "every access was locked, yet both checks passed: lock the check and the act together"
        }
        (Guarding::SeparateLocks, false) => {
            "no overdraft this time: a race depends on timing (run again)"
        }
        (Guarding::OneLock, _) => {
            "one guard across check and act: the second customer checks after the first has acted"
        }
        (Guarding::CompareExchange, _) => {
            "the act re-checks: compare_exchange fails if the balance moved since the check"
        }
    }))
}
