//! Integration tests on the examples: the scheduler on tokio's paused clock (exact firing times,
//! no sleeps), the test harness's results, the trace's structure, and the deadlock report's
//! exact cycle. No timing assertions.
//!
//! (The `model-checking` example runs shuttle in-process and installs shuttle's panic hook, so it
//! has a test binary of its own: `tests/model_checking_example.rs`.)

#![cfg(not(any(shuttle, loom)))]

use std::time::Duration;

use chapter_19::scheduler::{
    A_MONDAY, CapRun, Clock, DAY, EventKind, Scheduler, Trigger, Weekdays, Weekly, cap_run,
    format_wall, job_fn, virtual_week,
};
use chapter_19::{CHAPTER, deadlock_debugging, testing, tracing_demo};
use common::Verdict;
use common::deadlock::rendezvous::Schedule;
use common::testing::run_quick;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test(start_paused = true)]
async fn an_interval_job_fires_at_each_multiple_and_stops_when_cancelled() {
    let mut scheduler = Scheduler::new(Clock::starting_at(A_MONDAY));
    let tick = scheduler.add("tick", Trigger::Every(secs(3)), 1, job_fn(|_| async {}));
    tokio::time::sleep(secs(10)).await;
    let starts: Vec<Duration> = scheduler
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Started { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(starts, [secs(3), secs(6), secs(9)]);
    assert!(scheduler.cancel(tick));
    assert!(!scheduler.cancel(tick), "a job is cancelled once");
    tokio::time::sleep(secs(30)).await;
    let events = scheduler.shutdown().await;
    assert_eq!(chapter_19::scheduler::started(&events, "tick"), 3);
}

#[tokio::test(start_paused = true)]
async fn overlapping_runs_are_capped_and_the_rest_skipped() {
    let unit = secs(1);
    // Runs due at 3, 6, 9, 12. A 4 s run overlaps the next one only: at most 2 at once.
    let expect = |max_instances, job_secs, started, skipped, most_at_once| CapRun {
        max_instances,
        job_secs,
        started,
        skipped,
        most_at_once,
    };
    assert_eq!(cap_run(3, 4, unit).await, expect(3, 4, 4, 0, 2));
    // Cap 1: the runs due at 6 and 12 find the previous one still running.
    assert_eq!(cap_run(1, 4, unit).await, expect(1, 4, 2, 2, 1));
    // A 10 s job: three at once by 9 s, so the run due at 12 is skipped.
    assert_eq!(cap_run(3, 10, unit).await, expect(3, 10, 3, 1, 3));
}

#[tokio::test(start_paused = true)]
async fn a_skipped_run_is_logged_with_the_instances_running() {
    let mut scheduler = Scheduler::new(Clock::starting_at(0));
    scheduler.add(
        "slow",
        Trigger::Every(secs(3)),
        1,
        job_fn(|_| tokio::time::sleep(secs(4))),
    );
    tokio::time::sleep(secs(7)).await;
    let events = scheduler.shutdown().await;
    let kinds: Vec<(Duration, u64, EventKind)> =
        events.into_iter().map(|e| (e.at, e.run, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (secs(3), 1, EventKind::Started { running: 1 }),
            (secs(6), 2, EventKind::Skipped { running: 1 }),
            (secs(7), 1, EventKind::Finished),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_virtual_week_runs_the_weekday_job_monday_to_friday_at_17() {
    let week = virtual_week(A_MONDAY).await;
    let expected: Vec<i64> = (0..5).map(|d| A_MONDAY + d * DAY + 17 * 3_600).collect();
    assert_eq!(week.weekday_runs, expected);
    // Every 3 minutes for two days, then cancelled.
    assert_eq!(week.every_3_min, 2 * 24 * 20);
    assert_eq!(format_wall(week.weekday_runs[4]), "Fri 2024-01-05 17:00");
}

#[tokio::test(start_paused = true)]
async fn friday_evening_skips_the_weekend() {
    let friday_1659 = A_MONDAY + 4 * DAY + 16 * 3_600 + 59 * 60;
    let mut scheduler = Scheduler::new(Clock::starting_at(friday_1659));
    let rule = Weekly {
        days: Weekdays::MON_FRI,
        hour: 17,
        minute: 0,
    };
    scheduler.add("clock", Trigger::Weekly(rule), 1, job_fn(|_| async {}));
    tokio::time::sleep(Duration::from_secs(4 * DAY as u64)).await;
    let events = scheduler.shutdown().await;
    let at: Vec<Duration> = events.iter().map(|e| e.at).step_by(2).collect();
    // Friday 17:00 (one minute in), then Monday 17:00 (three days later).
    assert_eq!(at, [secs(60), secs(60 + 3 * DAY as u64)]);
}

#[test]
fn the_scheduler_examples_show_their_lessons() {
    for variant in ["interval", "max-instances", "weekdays"] {
        let outcome = run_quick(&CHAPTER, "scheduler", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
    }
    let interval = run_quick(&CHAPTER, "scheduler", "interval");
    assert_eq!(interval.get("ticks after the cancel"), Some(0.0));
}

#[test]
fn the_fibonacci_suite_passes_serially_and_in_parallel() {
    let suite = testing::fibonacci_suite(3_000);
    assert_eq!(suite.len(), 5);
    let timings = testing::time_suite(&suite, 3, 1);
    for r in timings.serial.iter().chain(&timings.parallel) {
        assert_eq!(r.failure, None, "{}", r.name);
    }
    assert_eq!(timings.parallel[4].name, "test_fib_3000 (last 10 digits)");
}

#[test]
fn the_harness_reports_a_failing_test_with_its_message() {
    let suite = vec![
        testing::TestCase {
            name: "passes".into(),
            body: Box::new(|| assert_eq!(chapter_19::fib::fib_recursive(10), 55)),
        },
        testing::TestCase {
            name: "fails".into(),
            body: Box::new(|| assert_eq!(chapter_19::fib::fib_recursive(10), 56, "fib(10)")),
        },
    ];
    let (results, _) = testing::run_suite(&suite, 2);
    assert_eq!(results[0].failure, None);
    let message = results[1].failure.clone().expect("the second test fails");
    assert!(message.contains("fib(10)"), "{message}");
}

#[test]
fn the_trace_nests_and_names_every_thread() {
    let run = tracing_demo::traced_run(2_000).expect("runs");
    let records = run.trace.records();
    assert!(tracing_demo::balanced(&records));
    for worker in ["worker-0", "worker-1", "worker-2"] {
        // Three jobs, each entered once: job, compute, wait for lock, critical section.
        let entered = records
            .iter()
            .filter(|r| r.thread == worker && r.phase == common::trace::Phase::Complete)
            .count();
        assert_eq!(entered, 3 * 4, "{worker}");
    }
    let tasks = tracing_demo::task_threads(&records);
    assert_eq!(tasks.len(), 4, "{tasks:?}");
    assert!(
        tasks
            .values()
            .flatten()
            .all(|t| t.starts_with("tokio-worker-"))
    );
    // Every event line in the log names its thread.
    assert_eq!(run.log.len(), 3 * 3 + 4 * 3);
    assert!(
        run.log.iter().all(|l| l.contains("worker-")),
        "{:?}",
        run.log
    );
    let json = run.trace.to_json();
    assert!(
        json["traceEvents"]
            .as_array()
            .is_some_and(|e| e.len() > records.len())
    );
}

#[test]
fn the_hidden_cycle_is_reported_through_all_three_threads() {
    let outcome = run_quick(&CHAPTER, "deadlock-debugging", "hidden-cycle");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let narrative = outcome.narrative.join("\n");
    for line in [
        "fees holds account carol and waits for account alice (held by payroll)",
        "payroll holds account alice and waits for account bob (held by refunds)",
        "refunds holds account bob and waits for account carol (held by fees)",
    ] {
        assert!(narrative.contains(line), "missing {line:?} in\n{narrative}");
    }
}

#[test]
fn the_forced_pause_closes_the_hidden_cycle_every_time() {
    // No pause at all: left to the scheduler, a thread would often finish its transfers before
    // the others start. Forced, all three hold their source before any takes its destination.
    for run in 0..20 {
        let (report, _) = deadlock_debugging::run_bank(
            deadlock_debugging::LockOrder::SourceFirst,
            5,
            Duration::ZERO,
            Schedule::Forced { guard: secs(20) },
            secs(20),
        );
        let common::watchdog::Ending::Deadlock(cycle) = &report.ending else {
            panic!("run {run}: no deadlock: {}", report.describe_ending());
        };
        assert_eq!(cycle.links.len(), 3, "run {run}: {cycle}");
        assert_eq!(report.total_progress(), 0, "run {run}");
    }
}

#[test]
fn ordered_transfers_pass_through_the_forced_pause() {
    for run in 0..20 {
        let (report, total) = deadlock_debugging::run_bank(
            deadlock_debugging::LockOrder::LowerFirst,
            5,
            Duration::ZERO,
            Schedule::Forced { guard: secs(20) },
            secs(20),
        );
        assert_eq!(
            report.ending,
            common::watchdog::Ending::Finished,
            "run {run}"
        );
        assert_eq!(total, 3 * deadlock_debugging::OPENING, "run {run}");
    }
}

#[test]
fn ordered_transfers_finish_and_conserve_money() {
    let (report, total) = deadlock_debugging::run_bank(
        deadlock_debugging::LockOrder::LowerFirst,
        200,
        Duration::ZERO,
        Schedule::FreeRunning,
        secs(20),
    );
    assert_eq!(report.ending, common::watchdog::Ending::Finished);
    assert_eq!(report.total_progress(), 600);
    assert_eq!(total, 3 * deadlock_debugging::OPENING);
}
