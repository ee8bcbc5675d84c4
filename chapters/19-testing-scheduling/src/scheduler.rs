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
//!
//! This file is the scheduler alone: the three variants run on it in [`demos`], and their tables
//! and lines are made in [`report`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use crate::calendar::{DAY, Weekdays, Weekly};
use crate::instance_gate::InstanceGate;

pub mod demos;
pub mod report;

pub use demos::{
    A_MONDAY, CapRun, Demo, IntervalRun, WeekRun, cap_run, run, run_interval, virtual_week,
};
pub use report::{format_wall, most_at_once, skipped, started};

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
