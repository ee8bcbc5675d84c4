//! A wrong calendar rule for exercise 19.2.
//!
//! Wrong: finds today with `/`, which rounds towards zero, so before 1970 (a negative time) "today"
//! is the next day and today's slot is missed.
//! Caught: before 1970

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
        let today = now / DAY;
        let offset = i64::from(self.hour) * 3_600 + i64::from(self.minute) * 60;
        (0..=7)
            .map(|d| today + d)
            .filter(|&day| self.days.contains(weekday_of_day(day)))
            .map(|day| day * DAY + offset)
            .find(|&at| at > now)
    }
}
