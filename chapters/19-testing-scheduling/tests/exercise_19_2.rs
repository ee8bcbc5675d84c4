//! Grading suite of exercise 19.2 (`Weekly::next_after`, the weekday calendar rule), run by
//! `cargo xtask exercise check 19.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_calendar.rs`: the rule at chosen instants, and the scheduler
//! driven by it for a virtual week on tokio's paused clock (no waiting, exact times). A `todo!()`
//! left in the rule fails here with its message.

#![cfg(not(any(feature = "shuttle", loom)))]

use chapter_19::calendar::{DAY, Weekdays, Weekly};
use chapter_19::scheduler::{A_MONDAY, format_wall, virtual_week};

const HOUR: i64 = 3_600;

fn at_17(days: Weekdays) -> Weekly {
    Weekly {
        days,
        hour: 17,
        minute: 0,
    }
}

fn next(rule: Weekly, now: i64) -> String {
    rule.next_after(now).map_or("never".into(), format_wall)
}

#[test]
fn the_same_day_if_the_time_is_still_ahead() {
    let monday_9 = A_MONDAY + 9 * HOUR;
    assert_eq!(
        next(at_17(Weekdays::MON_FRI), monday_9),
        "Mon 2024-01-01 17:00"
    );
    let friday_1659 = A_MONDAY + 4 * DAY + 16 * HOUR + 59 * 60;
    assert_eq!(
        next(at_17(Weekdays::MON_FRI), friday_1659),
        "Fri 2024-01-05 17:00"
    );
}

#[test]
fn strictly_after_now_and_over_the_weekend() {
    let friday_17 = A_MONDAY + 4 * DAY + 17 * HOUR;
    assert_eq!(
        next(at_17(Weekdays::MON_FRI), friday_17),
        "Mon 2024-01-08 17:00"
    );
    let saturday_noon = A_MONDAY + 5 * DAY + 12 * HOUR;
    assert_eq!(
        next(at_17(Weekdays::MON_FRI), saturday_noon),
        "Mon 2024-01-08 17:00"
    );
}

#[test]
fn a_one_day_rule_waits_a_whole_week_once_its_slot_has_passed() {
    let sunday_only = at_17(Weekdays(1 << 6));
    let sunday_20 = A_MONDAY + 6 * DAY + 20 * HOUR;
    assert_eq!(next(sunday_only, sunday_20), "Sun 2024-01-14 17:00");
    let minutes = Weekly {
        days: Weekdays::EVERY_DAY,
        hour: 23,
        minute: 59,
    };
    assert_eq!(next(minutes, A_MONDAY), "Mon 2024-01-01 23:59");
}

#[test]
fn no_days_means_never() {
    assert_eq!(at_17(Weekdays(0)).next_after(A_MONDAY), None);
}

#[tokio::test(start_paused = true)]
async fn the_scheduler_fires_monday_to_friday_at_17_in_a_virtual_week() {
    let week = virtual_week(A_MONDAY).await;
    let fired: Vec<String> = week.weekday_runs.iter().map(|&t| format_wall(t)).collect();
    assert_eq!(
        fired,
        [
            "Mon 2024-01-01 17:00",
            "Tue 2024-01-02 17:00",
            "Wed 2024-01-03 17:00",
            "Thu 2024-01-04 17:00",
            "Fri 2024-01-05 17:00",
        ]
    );
}
