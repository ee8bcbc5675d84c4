//! A small job scheduler on tokio time: interval and weekday jobs, a cap on overlapping runs,
//! cancellation — the book's APScheduler examples, rebuilt so they can be tested.
//!
//! Mirrors `Chapter19/example1.py` to `example4.py`. APScheduler's `BackgroundScheduler` runs
//! its jobs on threads of its own while the main thread goes on; here the scheduler is a set of
//! tokio tasks, one per job, each sleeping until its job's next firing time and then starting an
//! instance of the job as a task of its own, so the pool of tokio worker threads runs the
//! instances and a job that outlasts its interval overlaps with itself. Before each run the job's
//! [`InstanceGate`] (exercise 19.1) is asked for a place: at the cap (`max_instances`) the run is
//! skipped and logged, as APScheduler does. A weekday job asks its [`Weekly`] rule (exercise
//! 19.2) for the next wall-clock time. Cancelling a job aborts its timer task (the book's
//! `scheduler.shutdown()` / `job.remove()`); instances already running finish.
//!
//! Time comes from tokio, through a [`Clock`] that also maps tokio instants to wall-clock seconds.
//! That is what makes the scheduler testable: under tokio's paused clock
//! (`#[tokio::test(start_paused = true)]`) time jumps straight to the next timer, so a test can
//! run a whole week of schedule in milliseconds and assert exact firing times, with no sleeps.
//!
//! Variants:
//! - `interval` (example1/2): a job ticks every 3 s while the main thread works and prints
//!   every 2 s; then the main thread cancels the scheduler. Real time, one book second = 10 ms
//!   (100 ms in a full `run`, without `--quick`): here latency is the subject, so the job and the main thread sleep.
//! - `max-instances` (example3): a 4 s job every 3 s overlaps with itself; the table shows
//!   the most instances seen at once and the runs skipped, for caps 3 and 1, and for a 10 s job
//!   (one book second = 20 ms here).
//! - `weekdays` (example4): every 3 minutes and Mon–Fri at 17:00, a whole week on tokio's paused
//!   clock; the 3-minute job is cancelled on Wednesday at 00:01.
//!
//! Run: `cargo run -p chapter-19 -- run scheduler` (all three) or `--variant weekdays`.
//! Expect: 3 ticks among 5 main-thread lines, then none after the cancel; caps respected with
//! runs skipped at cap 1; 960 three-minute runs and 5 weekday runs in a virtual week.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use crate::calendar::{DAY, Weekdays, Weekly};
use crate::instance_gate::InstanceGate;
use common::{Outcome, RunConfig, TableData, Verdict};

/// Maps tokio's clock to wall-clock Unix seconds: `origin` (a tokio instant) is `wall_origin`.
/// Under a paused clock both move together, so a weekday rule sees virtual days go by.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    wall_origin: i64,
}

impl Clock {
    /// A clock reading `wall` Unix seconds now.
    pub fn starting_at(wall: i64) -> Self {
        Self {
            origin: Instant::now(),
            wall_origin: wall,
        }
    }

    /// A clock reading the system's wall time now.
    pub fn system() -> Self {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Self::starting_at(wall)
    }

    /// Time since the clock started.
    pub fn elapsed(&self) -> Duration {
        Instant::now() - self.origin
    }

    /// The wall-clock time now, in Unix seconds.
    pub fn wall_now(&self) -> i64 {
        self.wall_origin + self.elapsed().as_secs() as i64
    }

    /// The tokio instant at which the wall clock reads `wall` (now, if that is in the past).
    pub fn instant_at(&self, wall: i64) -> Instant {
        let ahead = u64::try_from(wall - self.wall_origin).unwrap_or(0);
        (self.origin + Duration::from_secs(ahead)).max(Instant::now())
    }
}

/// When a job fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Every interval, the first time one interval after the job is added (APScheduler's
    /// `'interval'`). Fixed rate: the k-th run is due at k intervals, however long runs take.
    Every(Duration),
    /// On some weekdays at a time of day (APScheduler's `'cron'` as the book uses it).
    Weekly(Weekly),
}

/// What happened to a job, and when (time since the scheduler's clock started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When.
    pub at: Duration,
    /// The job's name.
    pub job: String,
    /// The run's number (1, 2, ...), counting skipped runs too.
    pub run: u64,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of [`Event`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// An instance started; `running` counts it.
    Started {
        /// Instances of this job running, this one included.
        running: usize,
    },
    /// An instance finished.
    Finished,
    /// The run was due but `max_instances` were running: skipped.
    Skipped {
        /// Instances running at the time.
        running: usize,
    },
}

/// What a job's body receives.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The job's name.
    pub job: String,
    /// The run's number.
    pub run: u64,
    /// When it started (time since the scheduler's clock started).
    pub at: Duration,
    /// The wall-clock time it started, Unix seconds.
    pub wall: i64,
}

/// A job's body: called once per run, returns the run's future.
pub type JobFn = Arc<dyn Fn(RunInfo) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Wraps an async closure as a [`JobFn`].
pub fn job_fn<F, Fut>(body: F) -> JobFn
where
    F: Fn(RunInfo) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |info| Box::pin(body(info)))
}

/// A job's identity, for [`Scheduler::cancel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobId(usize);

/// The scheduler: one timer task per job on the current tokio runtime, a shared event log.
/// Create it and add jobs from inside a runtime (a `#[tokio::test]`, `block_on`, or an
/// `enter()` guard).
pub struct Scheduler {
    clock: Clock,
    log: Arc<Mutex<Vec<Event>>>,
    timers: Vec<Option<JoinHandle<()>>>,
    instances: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("jobs", &self.timers.len())
            .finish_non_exhaustive()
    }
}

/// Gives the gate's place back when an instance ends, even if its task is aborted or panics.
struct Place(Arc<InstanceGate>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.leave();
    }
}

impl Scheduler {
    /// A scheduler reading time from `clock`.
    pub fn new(clock: Clock) -> Self {
        Self {
            clock,
            log: Arc::default(),
            timers: Vec::new(),
            instances: Arc::default(),
        }
    }

    /// The clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Adds a job that fires on `trigger` with at most `max_instances` runs at once.
    pub fn add(
        &mut self,
        name: &str,
        trigger: Trigger,
        max_instances: usize,
        body: JobFn,
    ) -> JobId {
        let name = name.to_string();
        let clock = self.clock;
        let log = Arc::clone(&self.log);
        let instances = Arc::clone(&self.instances);
        let gate = Arc::new(InstanceGate::new(max_instances));
        let added = Instant::now();
        let timer = tokio::spawn(async move {
            for run in 1u64.. {
                let due = match trigger {
                    Trigger::Every(every) => added + every * (run as u32),
                    Trigger::Weekly(rule) => match rule.next_after(clock.wall_now()) {
                        Some(wall) => clock.instant_at(wall),
                        None => return, // no weekday selected: never fires
                    },
                };
                tokio::time::sleep_until(due).await;
                let at = clock.elapsed();
                let record = |kind| {
                    crate::lock(&log).push(Event {
                        at,
                        job: name.clone(),
                        run,
                        kind,
                    });
                };
                if !gate.try_enter() {
                    record(EventKind::Skipped {
                        running: gate.running(),
                    });
                    continue;
                }
                record(EventKind::Started {
                    running: gate.running(),
                });
                let place = Place(Arc::clone(&gate));
                let info = RunInfo {
                    job: name.clone(),
                    run,
                    at,
                    wall: clock.wall_now(),
                };
                let work = body(info);
                let (log, job) = (Arc::clone(&log), name.clone());
                let instance = tokio::spawn(async move {
                    let _place = place;
                    work.await;
                    crate::lock(&log).push(Event {
                        at: clock.elapsed(),
                        job,
                        run,
                        kind: EventKind::Finished,
                    });
                });
                let mut running = crate::lock(&instances);
                running.retain(|h| !h.is_finished());
                running.push(instance);
            }
        });
        self.timers.push(Some(timer));
        JobId(self.timers.len() - 1)
    }

    /// Cancels a job: it fires no more; runs already started finish. `false` if it was already
    /// cancelled. (On a multi-thread runtime a run its timer is starting at this very instant
    /// may still start; [`Scheduler::shutdown`] waits for the timers to end, so it has no such gap.)
    pub fn cancel(&mut self, id: JobId) -> bool {
        match self.timers.get_mut(id.0).and_then(Option::take) {
            Some(timer) => {
                timer.abort();
                true
            }
            None => false,
        }
    }

    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        crate::lock(&self.log).clone()
    }

    /// Cancels every job, waits for the runs in progress to finish, and returns the log
    /// (APScheduler's `shutdown(wait=True)`).
    pub async fn shutdown(mut self) -> Vec<Event> {
        let timers: Vec<JoinHandle<()>> = self.timers.iter_mut().filter_map(Option::take).collect();
        for timer in &timers {
            timer.abort();
        }
        // An abort takes effect at the timer's next await: a timer busy on another worker thread
        // may still be starting a run. Once every timer has ended, no run can start any more, so
        // the list of instances below is complete.
        for timer in timers {
            let _ = timer.await;
        }
        let running: Vec<_> = crate::lock(&self.instances).drain(..).collect();
        for instance in running {
            // A run that panicked has already logged nothing more; carry on with the others.
            let _ = instance.await;
        }
        self.events()
    }
}

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

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Demo>()? {
        Demo::Interval => interval(config),
        Demo::MaxInstances => max_instances(config),
        Demo::Weekdays => weekdays(config),
    }
}

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

fn interval(config: &RunConfig) -> anyhow::Result<Outcome> {
    let unit = config.pick(Duration::from_millis(10), Duration::from_millis(100));
    let run = run_interval(unit)?;
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
    let showed = run.ticks >= 2 && run.ticks_after_cancel == 0;
    Ok(config.outcome(Verdict::from(showed))
        .line("A job ticks every 3 s on the scheduler's worker threads while the main thread sleeps 2 s and prints, five times; then the main thread shuts the scheduler down.")
        .line("Both wait by sleeping: here the timing is the subject, not work.")
        .key_figure("ticks", run.ticks as f64, "runs")
        .figure("main-thread lines", run.main_lines as f64, "lines")
        .figure("ticks after the cancel", run.ticks_after_cancel as f64, "runs")
        .table(table)
        .notice("the ticks (at 3, 6, 9) interleave with the main thread's lines (2, 4, 6, 8, 10) because they run on other threads; after shutdown nothing fires"))
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

fn max_instances(config: &RunConfig) -> anyhow::Result<Outcome> {
    // 20 ms a book second even in quick runs: the closest call (a run ending one book second
    // before the next is due) then has a 20 ms margin against a busy machine's timer delays.
    let unit = config.pick(Duration::from_millis(20), Duration::from_millis(100));
    let rt = runtime()?;
    let rows: Vec<CapRun> = [(3, 4), (1, 4), (3, 10)]
        .into_iter()
        .map(|(cap, secs)| rt.block_on(cap_run(cap, secs, unit)))
        .collect();
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
    for r in &rows {
        table.row([
            r.max_instances.to_string(),
            format!("{} s", r.job_secs),
            r.started.to_string(),
            r.skipped.to_string(),
            r.most_at_once.to_string(),
        ]);
    }
    let within_caps = rows.iter().all(|r| r.most_at_once <= r.max_instances);
    let skips_at_cap_1 = rows[1].skipped > 0;
    let overlap = rows[0].most_at_once >= 2;
    Ok(
        config.outcome(Verdict::from(within_caps && skips_at_cap_1 && overlap))
            .line(format!(
                "Each run sleeps for its duration (latency is the subject); one book second = {}.",
                common::timing::human(unit)
            ))
            .key_figure("runs skipped at max_instances = 1", rows[1].skipped as f64, "runs")
            .figure("most at once, the book's job (4 s every 3 s)", rows[0].most_at_once as f64, "runs")
            .figure("most at once, a 10 s job capped at 3", rows[2].most_at_once as f64, "runs")
            .table(table)
            .notice("a job longer than its interval overlaps with itself: the book's 4 s job every 3 s never has more than 2 at once, so its max_instances=3 never bites; at 1 every other run is skipped"),
    )
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

fn weekdays(config: &RunConfig) -> anyhow::Result<Outcome> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()?;
    let week = rt.block_on(virtual_week(A_MONDAY));
    let mut table = TableData::new("The weekday job's runs", &["run", "wall clock (UTC)"]);
    for (i, wall) in week.weekday_runs.iter().enumerate() {
        table.row([(i + 1).to_string(), format_wall(*wall)]);
    }
    let expected: Vec<i64> = (0..5).map(|d| A_MONDAY + d * DAY + 17 * 3_600).collect();
    let showed = week.weekday_runs == expected && week.every_3_min == 2 * 24 * 20;
    Ok(config.outcome(Verdict::from(showed))
        .line(format!(
            "A week from {} on tokio's paused clock: time jumps to the next timer instead of waiting.",
            format_wall(A_MONDAY)
        ))
        .line("`timed_job` every 3 minutes, cancelled on Wednesday at 00:01; `scheduled_job` Mon-Fri at 17:00.")
        .key_figure("weekday runs", week.weekday_runs.len() as f64, "runs")
        .figure("3-minute runs before the cancel", week.every_3_min as f64, "runs")
        .figure("real time for the virtual week", week.real.as_secs_f64(), "s")
        .table(table)
        .notice("with time injected (tokio's paused clock), a week of schedule is tested exactly in milliseconds; the tests do the same with #[tokio::test(start_paused = true)]"))
}
