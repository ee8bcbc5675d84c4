//! Per-thread accounting of who got the lock (or the CPU), how often, and how long each waited:
//! starvation made visible in numbers.
//!
//! Every example in this chapter gives each thread a [`Tally`]: its accesses, its longest wait
//! (wall clock), and the most other accesses that overtook it during one wait (`overtaken`: how
//! many times someone else got in between its request and its turn). A starved thread has few
//! accesses, a long longest wait, and a large `overtaken`. [`share_table`] turns the tallies into
//! the per-thread table every example prints. Not a book example: the book counts printed lines.

use std::time::Duration;

use common::TableData;
use common::timing::human;

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
            row.tally.accesses.to_string(),
            format!("{:.1} %", percent(row.tally.accesses, all)),
            human(row.tally.longest_wait),
            row.tally.most_overtaken.to_string(),
        ]);
    }
    table
}

#[cfg(test)]
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
}
