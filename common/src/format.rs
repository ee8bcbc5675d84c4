//! One way to write numbers for a person: every figure, table cell and narrative line in the
//! course goes through these, so a count, a duration or a percentage reads the same wherever it
//! appears.
//!
//! The rules:
//! - counts have thousands separators (`1,614,500`), and their unit agrees with them
//!   (`1 thread`, `2 threads`);
//! - durations have three significant digits in the unit that fits (`6.52 ms`, `10.0 ms`,
//!   `1.23 s`); a table's column uses one unit for all its rows ([`TimeUnit::fitting`]);
//! - percentages have two decimals and a space (`8.18 %`), ratios two decimals and a times sign
//!   (`1.98×`);
//! - a yes-or-no is `yes` or `no`, never `1 bool`.
//!
//! A figure's unit string says which rule applies ([`figure`]): `s`, `ms`, `µs` and `ns` are
//! durations, `%` a percentage, `x` a ratio, [`YES_NO`] a yes-or-no, an empty unit a bare
//! number, and any other word the plural of what was counted.

use std::time::Duration;

/// The unit of a figure that is a yes-or-no (its value is 1 or 0).
pub const YES_NO: &str = "yes/no";

/// `n` with thousands separators: `1,614,500`, `-1,000`.
pub fn count(n: impl TryInto<i128>) -> String {
    let n: i128 = n.try_into().unwrap_or(i128::MAX);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `n` and what was counted, agreeing: `1 thread`, `2 threads`, `1,000 requests`. `plural` is
/// the plural form (`threads`, `retries`, `processes`).
pub fn counted(n: impl TryInto<i128>, plural: &str) -> String {
    let n: i128 = n.try_into().unwrap_or(i128::MAX);
    format!("{} {}", count(n), noun(n == 1, plural))
}

/// `plural`, or its singular when `one`: `threads` → `thread`, `retries` → `retry`,
/// `processes` → `process`. A unit that is not one plural word (`requests/s`, `ms per op`) or
/// is a symbol (`ms`, `ns`) is returned as it is.
pub fn noun(one: bool, plural: &str) -> String {
    let word = plural.len() > 2 && plural.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    if !one || !word || !plural.ends_with('s') || plural.ends_with("ss") {
        return plural.to_string();
    }
    let stem = &plural[..plural.len() - 1];
    if let Some(y) = plural.strip_suffix("ies") {
        format!("{y}y")
    } else if ["sses", "ches", "shes", "xes"]
        .iter()
        .any(|ending| plural.ends_with(ending))
    {
        plural[..plural.len() - 2].to_string()
    } else {
        stem.to_string()
    }
}

/// `yes` or `no`.
pub fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// A percentage (already times 100): `8.18 %`.
pub fn percent(value: f64) -> String {
    format!("{value:.2} %")
}

/// A ratio: `1.98×`.
pub fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

/// A duration, three significant digits in the unit that fits it: `6.52 ms`, `1.23 s`.
pub fn duration(d: Duration) -> String {
    seconds(d.as_secs_f64())
}

/// A duration given in seconds, as [`duration`] writes it.
pub fn seconds(value: f64) -> String {
    let unit = TimeUnit::for_seconds(value.abs());
    unit.write_seconds(value, significant_decimals(value.abs() / unit.seconds()))
}

/// The unit of time a duration, or a column of them, is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Nanoseconds.
    Nanos,
    /// Microseconds.
    Micros,
    /// Milliseconds.
    Millis,
    /// Seconds.
    Seconds,
}

impl TimeUnit {
    /// The unit in which `seconds` has one to three digits before the point.
    pub fn for_seconds(seconds: f64) -> Self {
        if seconds >= 1.0 || seconds == 0.0 {
            Self::Seconds
        } else if seconds >= 1e-3 {
            Self::Millis
        } else if seconds >= 1e-6 {
            Self::Micros
        } else {
            Self::Nanos
        }
    }

    /// The one unit for a column of durations: the one that fits the largest.
    pub fn fitting(durations: impl IntoIterator<Item = Duration>) -> Self {
        let largest = durations
            .into_iter()
            .map(|d| d.as_secs_f64())
            .fold(0.0, f64::max);
        Self::for_seconds(largest)
    }

    /// The unit's symbol: `ms`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Nanos => "ns",
            Self::Micros => "µs",
            Self::Millis => "ms",
            Self::Seconds => "s",
        }
    }

    /// One of the unit, in seconds.
    pub fn seconds(self) -> f64 {
        match self {
            Self::Nanos => 1e-9,
            Self::Micros => 1e-6,
            Self::Millis => 1e-3,
            Self::Seconds => 1.0,
        }
    }

    /// The decimals that give `largest`, written in this unit, three significant digits: the
    /// precision for a column whose largest value it is.
    pub fn decimals_for(self, largest: Duration) -> usize {
        significant_decimals(largest.as_secs_f64() / self.seconds())
    }

    /// `d` in this unit, without the symbol, with `decimals` digits after the point: for a
    /// table cell under a header that names the unit.
    pub fn number(self, d: Duration, decimals: usize) -> String {
        format!("{:.decimals$}", d.as_secs_f64() / self.seconds())
    }

    /// `d` in this unit, with the symbol and `decimals` digits after the point.
    pub fn write(self, d: Duration, decimals: usize) -> String {
        self.write_seconds(d.as_secs_f64(), decimals)
    }

    fn write_seconds(self, seconds: f64, decimals: usize) -> String {
        format!("{:.decimals$} {}", seconds / self.seconds(), self.symbol())
    }
}

/// The decimals that give `value` (at least 1, below 1,000) three significant digits.
fn significant_decimals(value: f64) -> usize {
    if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    }
}

/// A number with no unit: an integer with separators, a fraction with three significant digits.
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if value.fract() == 0.0 && magnitude < 1e15 {
        count(value as i128)
    } else if magnitude >= 1e9 {
        format!("{:.2} G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.2} M", value / 1e6)
    } else if magnitude >= 1e3 {
        count(value.round() as i128)
    } else if magnitude >= 1.0 {
        format!("{value:.prec$}", prec = significant_decimals(magnitude))
    } else if magnitude >= 1e-3 {
        // Three significant digits below one: 0.421, 0.0212, 0.00212.
        let leading_zeros = (-magnitude.log10()).floor() as usize;
        format!("{value:.prec$}", prec = leading_zeros + 3)
    } else if magnitude == 0.0 {
        "0".to_string()
    } else {
        format!("{value:.2e}")
    }
}

/// A figure's value and unit, written by the rule its unit names (see the module doc).
pub fn figure(value: f64, unit: &str) -> String {
    match unit {
        "s" => seconds(value),
        "ms" => seconds(value * 1e-3),
        "µs" | "us" => seconds(value * 1e-6),
        "ns" => seconds(value * 1e-9),
        "%" => percent(value),
        "x" | "×" => ratio(value),
        YES_NO => yes_no(value != 0.0).to_string(),
        "" => number(value),
        plural => format!("{} {}", number(value), noun(value == 1.0, plural)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_separators_and_agree_with_their_unit() {
        assert_eq!(count(1_614_500), "1,614,500");
        assert_eq!(count(-1000), "-1,000");
        assert_eq!(count(12_usize), "12");
        assert_eq!(counted(1, "threads"), "1 thread");
        assert_eq!(counted(2, "threads"), "2 threads");
        assert_eq!(counted(1, "retries"), "1 retry");
        assert_eq!(counted(1, "processes"), "1 process");
        assert_eq!(counted(1, "matches"), "1 match");
        assert_eq!(counted(1, "requests/s"), "1 requests/s");
        assert_eq!(counted(0, "runs"), "0 runs");
        assert_eq!(noun(true, "bytes"), "byte");
        assert_eq!(noun(true, "ms"), "ms");
    }

    #[test]
    fn durations_have_three_significant_digits_in_the_unit_that_fits() {
        assert_eq!(seconds(0.00652), "6.52 ms");
        assert_eq!(seconds(0.01), "10.0 ms");
        assert_eq!(seconds(0.011), "11.0 ms");
        assert_eq!(seconds(1.234), "1.23 s");
        assert_eq!(seconds(39.94), "39.9 s");
        assert_eq!(seconds(123.4), "123 s");
        assert_eq!(seconds(0.000_023_4), "23.4 µs");
        assert_eq!(seconds(0.0), "0.00 s");
        assert_eq!(duration(Duration::from_nanos(250)), "250 ns");
        assert_eq!(figure(8.6, "ms"), "8.60 ms");
    }

    #[test]
    fn a_column_of_durations_has_one_unit() {
        let column = [Duration::from_micros(400), Duration::from_millis(9)];
        let unit = TimeUnit::fitting(column);
        assert_eq!(unit, TimeUnit::Millis);
        assert_eq!(unit.write(column[0], 2), "0.40 ms");
        assert_eq!(unit.number(column[1], 1), "9.0");
        assert_eq!(unit.decimals_for(column[1]), 2);
        assert_eq!(TimeUnit::Millis.decimals_for(Duration::from_millis(979)), 0);
    }

    #[test]
    fn every_other_unit_has_one_rule() {
        assert_eq!(figure(8.18, "%"), "8.18 %");
        assert_eq!(figure(2.24, "%"), "2.24 %");
        assert_eq!(figure(1.98, "x"), "1.98×");
        assert_eq!(figure(1.0, YES_NO), "yes");
        assert_eq!(figure(0.0, YES_NO), "no");
        assert_eq!(figure(0.0, ""), "0");
        assert_eq!(figure(1.0, "meals"), "1 meal");
        assert_eq!(figure(1_492_667.0, "updates"), "1,492,667 updates");
        assert_eq!(figure(2.5, "meals"), "2.50 meals");
        assert_eq!(number(4_600_602.2), "4.60 M");
        assert_eq!(number(12_345.6), "12,346");
        assert_eq!(number(0.4213), "0.421");
        assert_eq!(number(0.002_12), "0.00212");
        assert_eq!(number(0.000_012), "1.20e-5");
    }
}
