//! The report of the `readers-writers` example: what a [`Measurement`] shows (each side's
//! accesses and longest wait, who starved, the policy in words) and the outcome of a run (its
//! verdict, lines, figures and per-thread table). Apart from the locks and the threads
//! (`readers_writers.rs`, `readers_writers/threads.rs`) so the lesson is not interleaved with
//! the reporting.

use std::time::Duration;

use common::timing::human;
use common::watchdog::Ending;
use common::{Outcome, RunConfig, Verdict};

use crate::tally::{percent, share_table, total};

use super::{HOLD_MICROS, Kind, Measurement, READERS, Role, WRITERS};

impl Measurement {
    /// Accesses and the longest single wait of one side.
    pub fn side(&self, role: Role) -> (u64, Duration) {
        let prefix = if role == Role::Reader {
            "reader"
        } else {
            "writer"
        };
        let rows = self.rows.iter().filter(|r| r.role == prefix);
        rows.fold((0, Duration::ZERO), |(n, w), r| {
            (n + r.tally.accesses, w.max(r.tally.longest_wait))
        })
    }

    /// One side's share of all accesses, in percent.
    pub fn share(&self, role: Role) -> f64 {
        percent(self.side(role).0, total(&self.rows))
    }

    /// A side starved if it got under 1 % of the accesses, or one of its threads waited at
    /// least half the run for a single access.
    pub fn starved(&self, role: Role) -> bool {
        let (accesses, longest) = self.side(role);
        percent(accesses, total(&self.rows)) < 1.0 || longest >= self.ran_for / 2
    }

    /// Accesses per thread of one side (0 for a side with no threads).
    pub fn per_thread(&self, role: Role) -> f64 {
        let prefix = if role == Role::Reader {
            "reader"
        } else {
            "writer"
        };
        let threads = self.rows.iter().filter(|r| r.role == prefix).count();
        if threads == 0 {
            0.0
        } else {
            self.side(role).0 as f64 / threads as f64
        }
    }

    /// The policy these numbers show, in words: who starved, or else whether one side's threads
    /// got in ten times as often as the other's.
    pub fn policy(&self) -> &'static str {
        let (reads, writes) = (self.per_thread(Role::Reader), self.per_thread(Role::Writer));
        match (self.starved(Role::Reader), self.starved(Role::Writer)) {
            (false, true) => "readers first: the writers starved",
            (true, false) => "writers first: the readers starved",
            (true, true) => "both sides starved",
            (false, false) if writes > 10.0 * reads => {
                "writers favoured: the readers slowed to a trickle, though not starved this run"
            }
            (false, false) if reads > 10.0 * writes => {
                "readers favoured: the writers slowed to a trickle, though not starved this run"
            }
            (false, false) => "neither side starved: fair in this run",
        }
    }
}

/// The outcome of a `kind` run that measured `m`: its verdict, lines, figures and table.
pub(super) fn outcome(config: &RunConfig, kind: Kind, m: &Measurement) -> Outcome {
    let (reads, read_wait) = m.side(Role::Reader);
    let (writes, write_wait) = m.side(Role::Writer);
    let table = share_table(
        &format!("Per thread, {} run", human(m.ran_for)),
        "accesses",
        &m.rows,
    );
    let ran = m.ending == Ending::DeadlineReached && m.panics.is_empty();
    let (readers_starved, writers_starved) = (m.starved(Role::Reader), m.starved(Role::Writer));
    let every_thread_in = m.rows.iter().all(|r| r.tally.accesses > 0);
    let least_served = m.rows.iter().map(|r| r.tally.accesses).min().unwrap_or(0);
    let (showed, key, key_value, notice) = match kind {
        Kind::ReadersFirst => (
            writers_starved && m.share(Role::Reader) >= 50.0,
            "writes",
            writes,
            "while readers overlap, rcount never reaches 0 and resource is never free: the writers wait the whole run",
        ),
        Kind::WritersFirst => (
            readers_starved && m.share(Role::Writer) >= 50.0,
            "reads",
            reads,
            "the two writers keep the read_try gate closed between them: new readers never get past it",
        ),
        Kind::Fair => (
            !readers_starved && !writers_starved && every_thread_in,
            "accesses by the least-served thread",
            least_served,
            "the service turnstile queues readers behind a waiting writer: both sides progress",
        ),
        // The ready-made locks are measurements: the verdict says the measurement completed
        // (checked by `ran`), and the policy line says what it found.
        Kind::StdRwLock | Kind::ParkingLotRwLock => (
            true,
            "accesses by the least-served thread",
            least_served,
            "a measurement, not a promise: the policy is read off the numbers — who starved, and how long the worst wait was",
        ),
    };
    let verdict = Verdict::from(ran && showed);
    let mut outcome = config.outcome(verdict)
        .line(format!(
            "{READERS} readers and {WRITERS} writers for {}: {}, {}.",
            human(m.ran_for),
            common::format::counted(reads, "reads"),
            common::format::counted(writes, "writes")
        ))
        .line(format!(
            "Longest wait for one access: a reader {}, a writer {}.",
            human(read_wait),
            human(write_wait)
        ))
        .line(format!(
            "Each access stays inside for a {}–{} µs sleep, standing for I/O: sleeping keeps the CPUs free, so the numbers show the lock's policy, not the OS's time-slicing.",
            HOLD_MICROS.0, HOLD_MICROS.1
        ))
        .line(format!("Measured policy: {}.", m.policy()))
        .count(key, key_value, "accesses").as_key()
        .count("reads", reads, "accesses")
        .count("writes", writes, "accesses")
        .duration("longest reader wait", read_wait)
        .duration("longest writer wait", write_wait)
        .notice(notice)
        .table(table);
    if !ran {
        outcome = outcome.line(format!(
            "The run did not go to plan: {}{}",
            match &m.ending {
                Ending::Finished => "every thread returned before the deadline".to_string(),
                Ending::Deadlock(cycle) => format!("deadlock: {cycle}"),
                Ending::Stalled => "no thread made progress".to_string(),
                Ending::DeadlineReached => "the deadline came".to_string(),
            },
            if m.panics.is_empty() {
                String::new()
            } else {
                format!("; {}", m.panics.join("; "))
            }
        ));
    }
    outcome
}
