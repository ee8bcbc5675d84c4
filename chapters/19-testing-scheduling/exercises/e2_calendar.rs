//! Exercise 19.2 — when does a weekday calendar job fire next?
//!
//! The book's `Chapter19/example4.py` (Heroku's clock process) schedules a job with
//! `@sched.scheduled_job('cron', day_of_week='mon-fri', hour=17)`. This chapter's scheduler asks
//! `Weekly::next_after(now)` for the next firing time and sleeps until then on tokio's clock, so
//! the rule is a pure function of the time: easy to test at any instant, no waiting for Friday.
//! Times are Unix seconds in UTC (1970-01-01 was a Thursday).
//!
//! Write `Weekly::next_after`: the first time *strictly after* `now` that falls on one of
//! `days` at `hour:minute`, or `None` if `days` is empty.
//!
//! What the grader checks (`cargo xtask exercise check 19.2`):
//! - Friday 16:59 gives Friday 17:00; Friday 17:00 itself gives *Monday* 17:00;
//! - a Sunday-only job asked on Sunday evening fires a week later;
//! - a 23:59 rule fires at 23:59; times before 1970 (negative) work too;
//! - asked from Monday 00:00 and then again at each answer, as the scheduler asks, a Mon-Fri
//!   17:00 rule gives the five weekdays at 17:00;
//! - random rules at random instants agree with a minute-by-minute search;
//! - the scheduler driven by your rule fires exactly five times in a week, Monday to Friday at
//!   17:00, on tokio's paused clock.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A set of weekdays, Monday = bit 0 … Sunday = bit 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(pub u8);

impl Weekdays {
    /// Monday to Friday: APScheduler's `day_of_week='mon-fri'`.
    pub const MON_FRI: Self = Self(0b001_1111);
    /// Every day of the week.
    pub const EVERY_DAY: Self = Self(0b111_1111);

    /// Whether `weekday` (0 = Monday) is in the set.
    pub fn contains(self, weekday: usize) -> bool {
        weekday < 7 && self.0 & (1 << weekday) != 0
    }
}

/// The weekday (0 = Monday … 6 = Sunday) of the day `day` days after 1970-01-01, a Thursday.
pub fn weekday_of_day(day: i64) -> usize {
    // Thursday is weekday 3; `rem_euclid` keeps days before 1970 in range too.
    (day + 3).rem_euclid(7) as usize
}

/// "On these weekdays at hour:minute, UTC": APScheduler's cron trigger, as far as the book uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekly {
    /// The days it fires on.
    pub days: Weekdays,
    /// Hour of the day, 0–23.
    pub hour: u32,
    /// Minute of the hour, 0–59.
    pub minute: u32,
}

impl Weekly {
    /// The first firing time strictly after `now` (Unix seconds), or `None` if `days` is empty.
    pub fn next_after(&self, now: i64) -> Option<i64> {
        // TODO: the first slot (a selected day at hour:minute) strictly after `now`.
        let _ = now;
        todo!("the next firing time")
    }
}
