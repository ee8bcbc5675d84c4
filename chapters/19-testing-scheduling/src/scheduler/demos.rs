//! The book's three scheduling examples (example1/2, example3, example4) run on the chapter's
//! [`Scheduler`]: an interval job ticking while the main thread works, a job that outlasts its
//! interval under a cap, and a week of an every-3-minutes job and a weekday job on tokio's paused
//! clock. Each example returns what it saw, and `run` states the verdict; the tables and lines
//! are in [`super::report`]. The scheduler itself is [`crate::scheduler`], of which this is a
//! child module so that the scheduler file holds the scheduler alone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Outcome, RunConfig, Verdict};

use super::report::{self, most_at_once, skipped, started};
use super::{Clock, DAY, Scheduler, Trigger, Weekdays, Weekly, job_fn};

common::variants! {
    /// The book's three scheduling examples.
    pub enum Demo {
        /// The book's example2: an interval job in the background.
        Interval = "interval": "a job ticks every 3 (scaled) seconds in the background while the main thread works; then it is cancelled",
        /// The book's example3: a job longer than its interval.
        MaxInstances = "max-instances": "a job that outlasts its interval: overlapping runs, and the runs skipped at the cap",
        /// The book's example4: a cron-like weekday job.
        Weekdays = "weekdays": "every 3 minutes and Mon-Fri at 17:00, a whole week on tokio's paused clock",
    }
}

/// Monday 2024-01-01 00:00 UTC: where the `weekdays` example's virtual week starts.
pub const A_MONDAY: i64 = 1_704_067_200;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("scheduler-worker")
        .enable_time()
        .build()?)
}

/// What the `interval` run saw: the merged timeline and the counts.
#[derive(Debug, Clone)]
pub struct IntervalRun {
    /// (book seconds, who, what, thread) in time order.
    pub timeline: Vec<(f64, String, String)>,
    /// Ticks before the cancel.
    pub ticks: usize,
    /// Ticks after the cancel (must be 0).
    pub ticks_after_cancel: usize,
    /// Lines the main thread printed.
    pub main_lines: usize,
}

/// The book's example2, with one book second lasting `unit`: a tick every 3 s in the background,
/// the main thread printing every 2 s for 10 s, then cancelling the scheduler and waiting 4 s more.
pub fn run_interval(unit: Duration) -> anyhow::Result<IntervalRun> {
    let rt = runtime()?;
    let _in_runtime = rt.enter();
    let mut scheduler = Scheduler::new(Clock::system());
    let ticks = Arc::new(Mutex::new(Vec::<(Duration, String)>::new()));
    let seen = Arc::clone(&ticks);
    let clock = scheduler.clock();
    scheduler.add(
        "tick",
        Trigger::Every(unit * 3),
        1,
        job_fn(move |_info| {
            let seen = Arc::clone(&seen);
            async move {
                let thread = std::thread::current().name().unwrap_or("?").to_string();
                crate::lock(&seen).push((clock.elapsed(), thread));
            }
        }),
    );
    // The main thread works (sleeps: latency is the subject) and prints every 2 book seconds.
    let mut timeline = Vec::new();
    let book = |d: Duration| d.as_secs_f64() / unit.as_secs_f64();
    for _ in 0..5 {
        std::thread::sleep(unit * 2);
        timeline.push((
            book(clock.elapsed()),
            "main thread".to_string(),
            "main".to_string(),
        ));
    }
    let events = rt.block_on(scheduler.shutdown());
    // Counted, not timed: shutdown has waited for every run that started, so any tick recorded
    // after this point would be one the scheduler started after its shutdown.
    let ticks_at_shutdown = crate::lock(&ticks).len();
    std::thread::sleep(unit * 4);
    let ticks = crate::lock(&ticks).clone();
    for (at, thread) in &ticks {
        timeline.push((book(*at), "Tick!".to_string(), thread.clone()));
    }
    timeline.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(IntervalRun {
        timeline,
        ticks: started(&events, "tick"),
        ticks_after_cancel: ticks.len() - ticks_at_shutdown,
        main_lines: 5,
    })
}

/// One row of the `max-instances` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapRun {
    /// The cap.
    pub max_instances: usize,
    /// How long each run lasts, book seconds.
    pub job_secs: u32,
    /// Runs started.
    pub started: usize,
    /// Runs skipped at the cap.
    pub skipped: usize,
    /// Most instances running at once.
    pub most_at_once: usize,
}

/// The book's example3 on the current runtime: a job lasting `job_secs` book seconds every 3,
/// capped at `max_instances`, for 14 book seconds (runs due at 3, 6, 9 and 12). Each run sleeps:
/// its *duration* is the subject. Works on real time and under a paused clock alike.
pub async fn cap_run(max_instances: usize, job_secs: u32, unit: Duration) -> CapRun {
    let mut scheduler = Scheduler::new(Clock::system());
    scheduler.add(
        "job",
        Trigger::Every(unit * 3),
        max_instances,
        job_fn(move |_| tokio::time::sleep(unit * job_secs)),
    );
    tokio::time::sleep(unit * 14).await;
    let events = scheduler.shutdown().await;
    CapRun {
        max_instances,
        job_secs,
        started: started(&events, "job"),
        skipped: skipped(&events, "job"),
        most_at_once: most_at_once(&events, "job"),
    }
}

/// What the virtual week saw.
#[derive(Debug, Clone)]
pub struct WeekRun {
    /// Runs of the 3-minute job (cancelled on Wednesday at 00:01).
    pub every_3_min: usize,
    /// Wall-clock times of the weekday job's runs.
    pub weekday_runs: Vec<i64>,
    /// Real time the virtual week took.
    pub real: Duration,
}

/// The book's example4 on the current runtime, which must run on a paused clock: a 3-minute
/// job and a Mon–Fri 17:00 job from Monday 00:00 for seven days; the 3-minute job is cancelled
/// on Wednesday at 00:01.
pub async fn virtual_week(start: i64) -> WeekRun {
    let real = std::time::Instant::now();
    let mut scheduler = Scheduler::new(Clock::starting_at(start));
    let weekday_runs = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&weekday_runs);
    let noop = job_fn(|_| async {});
    let timed = scheduler.add(
        "timed_job",
        Trigger::Every(Duration::from_secs(180)),
        1,
        noop,
    );
    scheduler.add(
        "scheduled_job",
        Trigger::Weekly(Weekly {
            days: Weekdays::MON_FRI,
            hour: 17,
            minute: 0,
        }),
        1,
        job_fn(move |info| {
            crate::lock(&seen).push(info.wall);
            async {}
        }),
    );
    // Cancel a minute after the 960th run is due (Wednesday 00:00), so no run is due at the
    // very instant of the cancel: the count is then exact.
    tokio::time::sleep(Duration::from_secs(2 * DAY as u64 + 60)).await;
    scheduler.cancel(timed);
    tokio::time::sleep(Duration::from_secs(5 * DAY as u64 - 60)).await;
    let events = scheduler.shutdown().await;
    let weekday_runs = crate::lock(&weekday_runs).clone();
    WeekRun {
        every_3_min: started(&events, "timed_job"),
        weekday_runs,
        real: real.elapsed(),
    }
}

/// Runs one variant: the example, its verdict, then its report.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Demo>()? {
        Demo::Interval => {
            let unit = config.pick(Duration::from_millis(10), Duration::from_millis(100));
            let run = run_interval(unit)?;
            let showed = run.ticks >= 2 && run.ticks_after_cancel == 0;
            Ok(report::interval(
                config.outcome(Verdict::from(showed)),
                unit,
                &run,
            ))
        }
        Demo::MaxInstances => {
            // 20 ms a book second even in quick runs: the closest call (a run ending one book
            // second before the next is due) then has a 20 ms margin against a busy machine's
            // timer delays.
            let unit = config.pick(Duration::from_millis(20), Duration::from_millis(100));
            let rt = runtime()?;
            let rows: Vec<CapRun> = [(3, 4), (1, 4), (3, 10)]
                .into_iter()
                .map(|(cap, secs)| rt.block_on(cap_run(cap, secs, unit)))
                .collect();
            let within_caps = rows.iter().all(|r| r.most_at_once <= r.max_instances);
            let skips_at_cap_1 = rows[1].skipped > 0;
            let overlap = rows[0].most_at_once >= 2;
            let showed = within_caps && skips_at_cap_1 && overlap;
            Ok(report::max_instances(
                config.outcome(Verdict::from(showed)),
                unit,
                &rows,
            ))
        }
        Demo::Weekdays => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()?;
            let week = rt.block_on(virtual_week(A_MONDAY));
            let expected: Vec<i64> = (0..5).map(|d| A_MONDAY + d * DAY + 17 * 3_600).collect();
            let showed = week.weekday_runs == expected && week.every_3_min == 2 * 24 * 20;
            Ok(report::weekdays(
                config.outcome(Verdict::from(showed)),
                &week,
            ))
        }
    }
}
