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
//! an account holding 100:
//! - `broken`: check under the lock, release, pause, act under the lock again;
//! - `one-lock`: hold one guard across check, pause and act ([`crate::withdrawal`], which is
//!   exercise 14.2): the others wait, then see 40 and are refused;
//! - `compare-exchange`: no lock; check a snapshot, pause, then `compare_exchange(seen, seen −
//!   60)`: the act succeeds only if the balance is still what was checked, else check again.
//!
//! Between check and act stands the window (the latency of a fraud check, a network round
//! trip). In the rounds the verdict counts, the window is forced open ([`crate::forced_window`]):
//! every customer checks before any acts, unless the withdrawal's own lock forbids it — the
//! schedule that breaks a broken withdrawal every time, and that a fix must survive. For
//! `broken`, as many rounds more run with the window left to the scheduler (a 1 ms pause, the
//! sleep being the subject): how often the race happens on its own, on this machine now.
//!
//! Run: `cargo run -p chapter-14 -- run check-then-act [--variant broken] [--threads 4]`.
//! Expect: `broken` overdraws every forced round, and most free-running ones on an idle
//! machine (fewer on a busy one: a race depends on timing); the fixes approve exactly one
//! withdrawal per round and never go below zero.

use std::time::Duration;

use common::sync::atomic::{AtomicI64, Ordering};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::account::Account;
use crate::forced_window::Rendezvous;

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

/// What runs in the window between a customer's check and its act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The rendezvous of [`crate::forced_window`]: every customer checks before any acts,
    /// unless the withdrawal's own lock forbids it.
    Forced,
    /// A plain pause this long: whether another customer checks inside it is the scheduler's
    /// business.
    FreeRunning(Duration),
}

/// Runs one round on real threads under the watchdog: `customers` withdraw [`AMOUNT`] at once
/// from [`OPENING`], with `schedule` between each one's check and act.
pub fn run_round(
    guarding: Guarding,
    customers: usize,
    schedule: Schedule,
) -> anyhow::Result<Round> {
    let bank = std::sync::Arc::new(Bank::new(guarding, OPENING));
    let rendezvous = std::sync::Arc::new(Rendezvous::new(customers));
    let workers = (0..customers)
        .map(|i| {
            let bank = std::sync::Arc::clone(&bank);
            let rendezvous = std::sync::Arc::clone(&rendezvous);
            worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                let seat = rendezvous.seat();
                let approved = bank.withdraw(AMOUNT, || match schedule {
                    Schedule::Forced => seat.window(),
                    Schedule::FreeRunning(pause) => std::thread::sleep(pause),
                });
                drop(seat);
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
    let pause = Duration::from_millis(1);
    let results = (0..rounds)
        .map(|_| run_round(guarding, config.threads, Schedule::Forced))
        .collect::<anyhow::Result<Vec<Round>>>()?;
    let free_running = match guarding {
        Guarding::SeparateLocks => Some(
            (0..rounds)
                .map(|_| run_round(guarding, config.threads, Schedule::FreeRunning(pause)))
                .collect::<anyhow::Result<Vec<Round>>>()?
                .iter()
                .filter(|r| r.overdrawn())
                .count(),
        ),
        Guarding::OneLock | Guarding::CompareExchange => None,
    };

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
        Guarding::SeparateLocks => overdrafts == rounds,
        Guarding::OneLock | Guarding::CompareExchange => overdrafts == 0 && approved == allowed,
    };
    let mut outcome = config.outcome(Verdict::from(showed),
    )
    .line(format!(
        "{rounds} rounds: {} customers each withdraw {AMOUNT} from an account holding {OPENING}.",
        config.threads
    ))
    .line(
        "Between check and act the window is forced open: each customer waits there until the \
         others have checked (unless it holds the account's lock, which they wait for).",
    )
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
    .figure("lowest balance", lowest as f64, "");
    if let Some(free) = free_running {
        outcome = outcome
            .line(format!(
                "Left to the scheduler (a {} pause, no rendezvous), {rounds} more rounds overdrew \
                 {free} times: the race needs the second customer to run inside the window, \
                 which a busy machine may not grant.",
                common::format::duration(pause)
            ))
            .count("overdrafts free-running", free, "rounds");
    }
    Ok(outcome.notice(match (guarding, showed) {
        (Guarding::SeparateLocks, true) => {
            "every access was locked, yet both checks passed: lock the check and the act together"
        }
        (Guarding::SeparateLocks, false) => {
            "some forced round did not overdraw: a customer waited out the hang guard"
        }
        (Guarding::OneLock, _) => {
            "one guard across check and act: the second customer checks after the first has acted"
        }
        (Guarding::CompareExchange, _) => {
            "the act re-checks: compare_exchange fails if the balance moved since the check"
        }
    }))
}
