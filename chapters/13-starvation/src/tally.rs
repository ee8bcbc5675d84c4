//! Per-thread accounting of who got the lock (or the CPU), how often, and how long each waited:
//! starvation made visible in numbers.
//!
//! Every example in this chapter gives each thread a [`Tally`]: its accesses, its longest wait
//! (wall clock), and the most other accesses that overtook it during one wait (`overtaken`: how
//! many times someone else got in between its request and its turn). A starved thread has few
//! accesses, a long longest wait, and a large `overtaken`. [`share_table`] turns the tallies into
//! the per-thread table every example prints. Not a book example: the book counts printed lines.
//!
//! The lock examples measure `overtaken` the same way: [`Entries`] counts the accesses begun by
//! anyone, a thread notes the count when it asks ([`Entries::request`]) and again when it gets
//! in ([`Request::admitted`]); the difference is how many got in ahead of it. A turn whose wait
//! ended after the watchdog's stop flag went up counts as a wait only ([`Tally::count`]): once
//! the others stop competing, a starved thread walks in, and that is not a turn it won.
//! [`rows_from`] turns a watched run of tallying workers into table rows.

use std::time::{Duration, Instant};

use common::TableData;
use common::sync::atomic::{AtomicU64, Ordering};
use common::timing::human;
use common::watchdog::{GroupReport, WorkerCtx, WorkerResult};

/// The accesses begun so far, by anyone: the clock that `overtaken` is measured on.
#[derive(Debug, Default)]
pub struct Entries(AtomicU64);

impl Entries {
    /// Accesses begun so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// A thread asks for access: notes the count and the time, before it starts waiting.
    pub fn request(&self) -> Request<'_> {
        Request {
            entries: self,
            at: self.count(),
            asked_at: Instant::now(),
        }
    }
}

/// A pending request, from [`Entries::request`].
#[derive(Debug)]
pub struct Request<'a> {
    entries: &'a Entries,
    at: u64,
    asked_at: Instant,
}

impl Request<'_> {
    /// The thread got in: counts its access and says how long it waited and how many got in
    /// between its request and its turn. `ctx` is the worker's, so a turn that came after the
    /// stop flag is marked late (pass [`WorkerCtx::detached`] outside a watched run).
    pub fn admitted(&self, ctx: &WorkerCtx) -> Wait {
        let seq = self.entries.0.fetch_add(1, Ordering::SeqCst);
        Wait {
            waited: self.asked_at.elapsed(),
            overtaken: seq - self.at,
            late: ctx.should_stop(),
        }
    }
}

/// How one wait ended: when a thread got in, how long it had waited and how many overtook it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wait {
    /// Wall-clock time from the request to the turn.
    pub waited: Duration,
    /// Accesses by others that began between the request and the turn.
    pub overtaken: u64,
    /// The turn came after the watchdog's stop flag: the others had stopped competing.
    pub late: bool,
}

/// What one thread got during a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Times it got in (read, wrote, ran a job, took the lock).
    pub accesses: u64,
    /// Its longest single wait, including a wait still unfinished when the run ended.
    pub longest_wait: Duration,
    /// The most accesses by others that came between one request of its own and its turn.
    pub most_overtaken: u64,
}

impl Tally {
    /// Records one access after waiting `wait`, overtaken by `overtaken` others meanwhile.
    pub fn record(&mut self, wait: Duration, overtaken: u64) {
        self.accesses += 1;
        self.waited(wait, overtaken);
    }

    /// Records a wait that did not (yet) end in an access.
    pub fn waited(&mut self, wait: Duration, overtaken: u64) {
        self.longest_wait = self.longest_wait.max(wait);
        self.most_overtaken = self.most_overtaken.max(overtaken);
    }

    /// Records one ended wait: an access, unless the turn came after the stop flag (then the
    /// wait only — the run was over, and the thread got in because the others had quit).
    pub fn count(&mut self, wait: Wait) {
        if wait.late {
            self.waited(wait.waited, wait.overtaken);
        } else {
            self.record(wait.waited, wait.overtaken);
        }
    }
}

/// One thread's row: its name, its role, and its tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The thread's name ("reader 0", "writer 1", "greedy", ...).
    pub name: String,
    /// Its role, as the table's second column ("reader", "priority 2", ...).
    pub role: String,
    /// What it got.
    pub tally: Tally,
}

/// One row per watched worker, in the watchdog's order; `role` names each thread's role from its
/// name. A worker that did not return a tally (it panicked, or was left behind) counts as none.
pub fn rows_from(report: &GroupReport<Tally>, role: impl Fn(&str) -> String) -> Vec<Row> {
    report
        .threads
        .iter()
        .map(|t| Row {
            name: t.name.clone(),
            role: role(&t.name),
            tally: match &t.result {
                WorkerResult::Finished(tally) => tally.clone(),
                _ => Tally::default(),
            },
        })
        .collect()
}

/// The sum of accesses over rows.
pub fn total(rows: &[Row]) -> u64 {
    rows.iter().map(|r| r.tally.accesses).sum()
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The per-thread table: accesses, share of all accesses, longest wait, most overtaken.
pub fn share_table(title: &str, what: &str, rows: &[Row]) -> TableData {
    let all = total(rows);
    let mut table = TableData::new(
        title,
        &[
            "thread",
            "role",
            what,
            "share",
            "longest wait",
            "most overtaken in one wait",
        ],
    );
    for row in rows {
        table.row([
            row.name.clone(),
            row.role.clone(),
            common::format::count(row.tally.accesses),
            format!("{:.1} %", percent(row.tally.accesses, all)),
            human(row.tally.longest_wait),
            common::format::count(row.tally.most_overtaken),
        ]);
    }
    table
}

// Shuttle's atomics work only inside a model-checked run.
#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn a_tally_keeps_the_worst_wait() {
        let mut t = Tally::default();
        t.record(Duration::from_millis(3), 2);
        t.record(Duration::from_millis(1), 7);
        t.waited(Duration::from_millis(2), 0);
        assert_eq!(t.accesses, 2);
        assert_eq!(t.longest_wait, Duration::from_millis(3));
        assert_eq!(t.most_overtaken, 7);
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(percent(1, 0), 0.0);
    }

    #[test]
    fn a_late_turn_counts_as_a_wait_only() {
        let mut t = Tally::default();
        t.count(Wait {
            waited: Duration::from_millis(400),
            overtaken: 9,
            late: true,
        });
        assert_eq!(t.accesses, 0);
        assert_eq!(t.longest_wait, Duration::from_millis(400));
        assert_eq!(t.most_overtaken, 9);
        t.count(Wait::default());
        assert_eq!(t.accesses, 1);
    }

    #[test]
    fn overtaken_counts_the_entries_between_request_and_turn() {
        let entries = Entries::default();
        let ctx = WorkerCtx::detached();
        let mine = entries.request();
        entries.request().admitted(&ctx);
        entries.request().admitted(&ctx);
        let wait = mine.admitted(&ctx);
        assert_eq!((wait.overtaken, wait.late), (2, false));
        assert_eq!(entries.count(), 3);
    }
}
