//! Grading suite of exercise 19.2 (`Weekly::next_after`, the weekday calendar rule), run by
//! `cargo xtask exercise check 19.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_calendar.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. `graded_in_the_scheduler` runs the chapter's scheduler, driven
//! by the graded rule, for a virtual week on tokio's paused clock (no waiting, exact times).
//!
//! What is checked, as the task states it: the rule at chosen instants (strictly after now, over
//! the weekend, a week ahead, at hour:minute, before 1970); a week of firing times asked one after
//! the other, as the scheduler asks; the rule against a minute-by-minute search at random
//! instants; and the scheduler's five weekday runs.

#![cfg(not(any(shuttle, loom)))]

use chapter_19::scheduler::{A_MONDAY, format_wall};

const HOUR: i64 = 3_600;

/// The tests, against the calendar module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::{DAY, Weekdays, Weekly, weekday_of_day};
        use super::{A_MONDAY, HOUR, format_wall};

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

        /// What `next_after` must say, found by trying every whole minute after `now` for eight
        /// days.
        fn search(rule: Weekly, now: i64) -> Option<i64> {
            let offset = i64::from(rule.hour) * HOUR + i64::from(rule.minute) * 60;
            let first = (now.div_euclid(60) + 1) * 60;
            (0..=8 * 24 * 60).map(|k| first + 60 * k).find(|&t| {
                rule.days.contains(weekday_of_day(t.div_euclid(DAY))) && t.rem_euclid(DAY) == offset
            })
        }

        #[test]
        fn the_same_day_if_the_time_is_still_ahead() {
            let ahead = "today's slot is still ahead, so it is the next one";
            let monday_9 = A_MONDAY + 9 * HOUR;
            assert_eq!(next(at_17(Weekdays::MON_FRI), monday_9), "Mon 2024-01-01 17:00", "{ahead}");
            let friday_1659 = A_MONDAY + 4 * DAY + 16 * HOUR + 59 * 60;
            assert_eq!(
                next(at_17(Weekdays::MON_FRI), friday_1659),
                "Fri 2024-01-05 17:00",
                "{ahead}"
            );
        }

        #[test]
        fn strictly_after_now_and_over_the_weekend() {
            let friday_17 = A_MONDAY + 4 * DAY + 17 * HOUR;
            assert_eq!(
                next(at_17(Weekdays::MON_FRI), friday_17),
                "Mon 2024-01-08 17:00",
                "asked at Friday 17:00 itself: the next slot must be strictly after now, or the \
                 scheduler, asking the moment its job ran, runs the job twice at one instant"
            );
            let saturday_noon = A_MONDAY + 5 * DAY + 12 * HOUR;
            assert_eq!(
                next(at_17(Weekdays::MON_FRI), saturday_noon),
                "Mon 2024-01-08 17:00",
                "a Mon-Fri rule skips the weekend"
            );
        }

        #[test]
        fn a_one_day_rule_waits_a_whole_week_once_its_slot_has_passed() {
            let sunday_only = at_17(Weekdays(1 << 6));
            let sunday_20 = A_MONDAY + 6 * DAY + 20 * HOUR;
            assert_eq!(
                next(sunday_only, sunday_20),
                "Sun 2024-01-14 17:00",
                "a one-day rule whose slot has passed today fires a week later, on the same weekday"
            );
        }

        #[test]
        fn the_slot_is_at_the_rules_minute() {
            let minutes = Weekly {
                days: Weekdays::EVERY_DAY,
                hour: 23,
                minute: 59,
            };
            let why = "the slot is at hour:minute, not at the start of the hour";
            assert_eq!(next(minutes, A_MONDAY), "Mon 2024-01-01 23:59", "{why}");
            let monday_2330 = A_MONDAY + 23 * HOUR + 30 * 60;
            assert_eq!(next(minutes, monday_2330), "Mon 2024-01-01 23:59", "{why}");
        }

        #[test]
        fn before_1970_too() {
            // Wednesday 1969-12-31 09:00 UTC: a negative Unix time.
            let wednesday_9 = -DAY + 9 * HOUR;
            assert_eq!(
                next(at_17(Weekdays::EVERY_DAY), wednesday_9),
                "Wed 1969-12-31 17:00",
                "before 1970 (a negative Unix time) today's slot is still ahead: which day is \
                 today?"
            );
        }

        #[test]
        fn no_days_means_never() {
            assert_eq!(
                at_17(Weekdays(0)).next_after(A_MONDAY),
                None,
                "a rule with no day selected never fires (None)"
            );
        }

        /// The scheduler's loop without the waiting: ask for the next time, "run" then, ask
        /// again at that instant. A week from Monday 00:00 must give Monday to Friday at 17:00.
        #[test]
        fn a_week_of_firing_times_asked_one_after_the_other() {
            let rule = at_17(Weekdays::MON_FRI);
            let end = A_MONDAY + 7 * DAY;
            let mut now = A_MONDAY;
            let mut fired = Vec::new();
            while let Some(at) = rule.next_after(now) {
                assert!(
                    at > now,
                    "asked at {}, the rule answered {}: it must be strictly after now, or the \
                     scheduler runs the job again at once (twice at one instant, and forever)",
                    format_wall(now),
                    format_wall(at)
                );
                if at > end || fired.len() > 7 {
                    break;
                }
                fired.push(format_wall(at));
                now = at;
            }
            assert_eq!(
                fired,
                [
                    "Mon 2024-01-01 17:00",
                    "Tue 2024-01-02 17:00",
                    "Wed 2024-01-03 17:00",
                    "Thu 2024-01-04 17:00",
                    "Fri 2024-01-05 17:00",
                ],
                "a Mon-Fri 17:00 rule asked from Monday 00:00, then at each firing time"
            );
        }

        /// Random rules at random instants (before 1970 too, and on, just before and just after
        /// a slot) against [`search`].
        #[test]
        fn agrees_with_a_minute_by_minute_search() {
            let mut rng = common::rng::SplitMix64::new(19_2);
            for _ in 0..300 {
                let rule = Weekly {
                    days: Weekdays((rng.below(128)) as u8),
                    hour: rng.below(24) as u32,
                    minute: rng.below(60) as u32,
                };
                let day = rng.below(60 * 366) as i64 - 20 * 366;
                let slot = day * DAY + i64::from(rule.hour) * HOUR + i64::from(rule.minute) * 60;
                let now = match rng.below(4) {
                    0 => slot,
                    1 => slot - 1,
                    2 => slot + 1,
                    _ => day * DAY + rng.below(DAY as u64) as i64,
                };
                let (got, want) = (rule.next_after(now), search(rule, now));
                assert_eq!(
                    got.map(format_wall),
                    want.map(format_wall),
                    "{rule:?} asked at {} ({now} s): differs from a minute-by-minute search",
                    format_wall(now)
                );
            }
        }
    };
}

/// The learner's rule (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_19::calendar);
}

/// The chapter's scheduler, driven by the graded rule, for a virtual week.
mod graded_in_the_scheduler {
    use super::*;
    use chapter_19::calendar::{DAY, Weekdays, Weekly};
    use chapter_19::scheduler::virtual_week;
    use std::time::Duration;

    #[test]
    fn the_scheduler_fires_monday_to_friday_at_17_in_a_virtual_week() {
        // A rule that answers `now` itself would keep the scheduler firing at one instant, and
        // a paused clock never moves on while a task is busy: check that first, then run.
        let rule = Weekly {
            days: Weekdays::MON_FRI,
            hour: 17,
            minute: 0,
        };
        for slot in (0..5).map(|d| A_MONDAY + d * DAY + 17 * HOUR) {
            let next = rule.next_after(slot);
            assert!(
                next.is_some_and(|at| at > slot),
                "asked at {}, the rule answered {:?}: it must be strictly after now, or the \
                 scheduler runs the job twice at one instant",
                format_wall(slot),
                next.map(format_wall)
            );
        }
        let week = common::testing::watched_with_hint(
            "the virtual week",
            Duration::from_secs(30),
            "the scheduler did not get through a virtual week: does the rule always answer a time \
             strictly after now?",
            || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .start_paused(true)
                    .build()
                    .expect("a current-thread runtime")
                    .block_on(virtual_week(A_MONDAY))
            },
        );
        let fired: Vec<String> = week.weekday_runs.iter().map(|&t| format_wall(t)).collect();
        assert_eq!(
            fired,
            [
                "Mon 2024-01-01 17:00",
                "Tue 2024-01-02 17:00",
                "Wed 2024-01-03 17:00",
                "Thu 2024-01-04 17:00",
                "Fri 2024-01-05 17:00",
            ],
            "the scheduler's weekday job, driven by the rule, in a virtual week"
        );
    }
}

#[cfg(mutants)]
mod e2_not_strictly_after {
    suite!(chapter_19::mutants::e2_not_strictly_after);
}

#[cfg(mutants)]
mod e2_six_days_ahead {
    suite!(chapter_19::mutants::e2_six_days_ahead);
}

#[cfg(mutants)]
mod e2_hour_only {
    suite!(chapter_19::mutants::e2_hour_only);
}

#[cfg(mutants)]
mod e2_truncating_division {
    suite!(chapter_19::mutants::e2_truncating_division);
}
