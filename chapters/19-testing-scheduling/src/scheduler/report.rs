//! The reporting of `scheduler`: what a run's event log counts (runs started, skipped, most at
//! once), wall-clock times as weekdays and dates, and each book example's lines, figures and
//! table. The scheduler is [`crate::scheduler`] and the examples that run on it are
//! [`super::demos`]; this child module only reads what they saw.

use std::time::Duration;

use common::{Outcome, TableData};

use super::demos::{A_MONDAY, CapRun, IntervalRun, WeekRun};
use super::{DAY, Event, EventKind};

/// The number of runs of `job` that started.
pub fn started(events: &[Event], job: &str) -> usize {
    events
        .iter()
        .filter(|e| e.job == job && matches!(e.kind, EventKind::Started { .. }))
        .count()
}

/// The number of runs of `job` that were skipped at the cap.
pub fn skipped(events: &[Event], job: &str) -> usize {
    events
        .iter()
        .filter(|e| e.job == job && matches!(e.kind, EventKind::Skipped { .. }))
        .count()
}

/// The most instances of `job` seen running at once.
pub fn most_at_once(events: &[Event], job: &str) -> usize {
    events
        .iter()
        .filter(|e| e.job == job)
        .filter_map(|e| match e.kind {
            EventKind::Started { running } => Some(running),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// A Unix time as `Mon 2024-01-01 17:00` (UTC), for reports. Civil date from days since the
/// epoch by the usual era arithmetic (400-year cycles of 146 097 days).
pub fn format_wall(unix: i64) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = unix.div_euclid(DAY);
    let secs = unix.rem_euclid(DAY);
    // Shift to a calendar starting on 0000-03-01 so the leap day falls at the end of a year.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{} {y:04}-{m:02}-{d:02} {:02}:{:02}",
        NAMES[crate::calendar::weekday_of_day(day)],
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// The `interval` example's report, after its verdict: the merged timeline of ticks and
/// main-thread lines, one book second lasting `unit`.
pub fn interval(outcome: Outcome, unit: Duration, run: &IntervalRun) -> Outcome {
    let mut table = TableData::new(
        format!(
            "Timeline (book seconds; one book second = {} here)",
            common::timing::human(unit)
        ),
        &["at", "who", "thread"],
    );
    for (at, who, thread) in &run.timeline {
        table.row([format!("{at:.1} s"), who.clone(), thread.clone()]);
    }
    outcome
        .line("A job ticks every 3 s on the scheduler's worker threads while the main thread sleeps 2 s and prints, five times; then the main thread shuts the scheduler down.")
        .line("Both wait by sleeping: here the timing is the subject, not work.")
        .count("ticks", run.ticks, "runs").as_key()
        .count("main-thread lines", run.main_lines, "lines")
        .count("ticks after the cancel", run.ticks_after_cancel, "runs")
        .table(table)
        .notice("the ticks (at 3, 6, 9) interleave with the main thread's lines (2, 4, 6, 8, 10) because they run on other threads; after shutdown nothing fires")
}

/// The `max-instances` example's report, after its verdict: one table row per cap and job
/// length, one book second lasting `unit`.
pub fn max_instances(outcome: Outcome, unit: Duration, rows: &[CapRun]) -> Outcome {
    let mut table = TableData::new(
        "A job every 3 s for 14 s (runs due at 3, 6, 9, 12)",
        &[
            "max_instances",
            "each run lasts",
            "started",
            "skipped",
            "most at once",
        ],
    );
    for r in rows {
        table.row([
            r.max_instances.to_string(),
            format!("{} s", r.job_secs),
            r.started.to_string(),
            r.skipped.to_string(),
            r.most_at_once.to_string(),
        ]);
    }
    outcome
        .line(format!(
            "Each run sleeps for its duration (latency is the subject); one book second = {}.",
            common::timing::human(unit)
        ))
        .count("runs skipped at max_instances = 1", rows[1].skipped, "runs").as_key()
        .count("most at once, the book's job (4 s every 3 s)", rows[0].most_at_once, "runs")
        .count("most at once, a 10 s job capped at 3", rows[2].most_at_once, "runs")
        .table(table)
        .notice("a job longer than its interval overlaps with itself: the book's 4 s job every 3 s never has more than 2 at once, so its max_instances=3 never bites; at 1 every other run is skipped")
}

/// The `weekdays` example's report, after its verdict: the weekday job's runs as dates.
pub fn weekdays(outcome: Outcome, week: &WeekRun) -> Outcome {
    let mut table = TableData::new("The weekday job's runs", &["run", "wall clock (UTC)"]);
    for (i, wall) in week.weekday_runs.iter().enumerate() {
        table.row([(i + 1).to_string(), format_wall(*wall)]);
    }
    outcome
        .line(format!(
            "A week from {} on tokio's paused clock: time jumps to the next timer instead of waiting.",
            format_wall(A_MONDAY)
        ))
        .line("`timed_job` every 3 minutes, cancelled on Wednesday at 00:01; `scheduled_job` Mon-Fri at 17:00.")
        .count("weekday runs", week.weekday_runs.len(), "runs").as_key()
        .count("3-minute runs before the cancel", week.every_3_min, "runs")
        .duration("real time for the virtual week", week.real)
        .table(table)
        .notice("with time injected (tokio's paused clock), a week of schedule is tested exactly in milliseconds; the tests do the same with #[tokio::test(start_paused = true)]")
}
