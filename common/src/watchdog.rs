//! The watchdog: runs a group of threads under a deadline, watches their progress counters, and
//! reports a deadlock, a stall or an overrun instead of hanging.
//!
//! Every worker gets a [`WorkerCtx`] with two counters. `progress` counts useful work (a meal
//! eaten, an item processed); `activity` counts attempts (a retry, a poll). The watchdog samples
//! them every few milliseconds:
//!
//! - a wait-for cycle in the group's [`LockGraph`] ends the run as [`Ending::Deadlock`];
//! - no unfinished worker making progress for `stall_after` ends it as [`Ending::Stalled`], and
//!   each thread is described as *blocked* (nothing moved) or *busy without progress* (activity
//!   climbing while progress stays flat: a livelock);
//! - the deadline ends it as [`Ending::DeadlineReached`].
//!
//! Then it raises the stop flag, aborts the lock graph (so threads stuck in
//! [`crate::deadlock::TrackedMutex::lock`] return), and waits a short grace period. A thread that
//! still does not return (say, a learner's deadlock on a plain `std::sync::Mutex`) is reported as
//! still running and left behind: the report is never held hostage by it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::deadlock::{LockGraph, WaitForCycle};

/// What a worker sees of the watchdog: counters to bump and a stop flag to honour.
#[derive(Debug, Clone, Default)]
pub struct WorkerCtx {
    progress: Arc<AtomicU64>,
    activity: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl WorkerCtx {
    /// A context not watched by anyone: for running a worker body directly (tests, model checks).
    pub fn detached() -> Self {
        Self::default()
    }

    /// Records one unit of useful work.
    pub fn progress(&self) {
        self.progress.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one attempt (a retry, a poll) that may or may not lead to progress.
    pub fn busy(&self) {
        self.activity.fetch_add(1, Ordering::Relaxed);
    }

    /// Useful work recorded so far.
    pub fn progress_count(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }

    /// Attempts recorded so far.
    pub fn activity_count(&self) -> u64 {
        self.activity.load(Ordering::Relaxed)
    }

    /// True once the watchdog wants the group to stop: check it in every loop.
    pub fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// A named worker body, ready to be run by a [`Watchdog`].
pub struct Worker<R> {
    name: String,
    body: Box<dyn FnOnce(&WorkerCtx) -> R + Send + 'static>,
}

/// Makes a worker named `name` (the thread gets that name, so reports and lock graphs use it).
pub fn worker<R>(
    name: impl Into<String>,
    body: impl FnOnce(&WorkerCtx) -> R + Send + 'static,
) -> Worker<R> {
    Worker {
        name: name.into(),
        body: Box::new(body),
    }
}

/// How a watched run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// Every worker returned.
    Finished,
    /// The lock graph showed a wait-for cycle.
    Deadlock(WaitForCycle),
    /// No unfinished worker made progress for the stall period.
    Stalled,
    /// The deadline came while workers were still making progress.
    DeadlineReached,
}

/// How a worker ended.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerResult<R> {
    /// It returned this value.
    Finished(R),
    /// It panicked with this message.
    Panicked(String),
    /// It did not return even after the stop request and the grace period; it was left behind.
    StillRunning,
}

/// One worker's part of the report.
#[derive(Debug, Clone)]
pub struct ThreadReport<R> {
    /// The worker's name.
    pub name: String,
    /// Useful work recorded.
    pub progress: u64,
    /// Attempts recorded.
    pub activity: u64,
    /// Attempts recorded since its progress last moved (high = busy without progress).
    pub activity_since_progress: u64,
    /// How long its progress had been flat when the watchdog ended the run (zero if it had
    /// already returned).
    pub idle_for: Duration,
    /// What it was doing when the watchdog ended the run.
    pub state: ThreadState,
    /// How it ended.
    pub result: WorkerResult<R>,
}

/// What a worker was doing at the moment the watchdog ended the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// It had already returned.
    Finished,
    /// It had already panicked.
    Panicked,
    /// Its progress counter moved within the stall period.
    MakingProgress,
    /// No progress for the stall period, but attempts kept climbing: livelock.
    BusyWithoutProgress,
    /// Neither progress nor attempts moved: it was waiting (a hang).
    Blocked,
    /// It was waiting on the wait-for cycle that the watchdog found.
    Deadlocked,
}

impl ThreadState {
    /// The state in words, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::Panicked => "panicked",
            Self::MakingProgress => "making progress",
            Self::BusyWithoutProgress => "busy without progress",
            Self::Blocked => "blocked",
            Self::Deadlocked => "deadlocked",
        }
    }
}

impl<R> ThreadReport<R> {
    /// The state in words: "blocked", "busy without progress", "finished", ...
    pub fn state(&self) -> &'static str {
        self.state.describe()
    }
}

/// The full report of a watched run.
#[derive(Debug, Clone)]
pub struct GroupReport<R> {
    /// Why the run ended.
    pub ending: Ending,
    /// Per worker, in the order given.
    pub threads: Vec<ThreadReport<R>>,
    /// When the watchdog ended the run (or the last worker returned).
    pub ended_after: Duration,
}

impl<R> GroupReport<R> {
    /// Total useful work across workers.
    pub fn total_progress(&self) -> u64 {
        self.threads.iter().map(|t| t.progress).sum()
    }

    /// The returned values, `None` for workers that panicked or were left behind.
    pub fn results(&self) -> Vec<Option<&R>> {
        self.threads
            .iter()
            .map(|t| match &t.result {
                WorkerResult::Finished(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// Messages of workers that panicked (a learner's `todo!()`, a failed assertion).
    pub fn panics(&self) -> Vec<String> {
        self.threads
            .iter()
            .filter_map(|t| match &t.result {
                WorkerResult::Panicked(msg) => Some(format!("{}: {msg}", t.name)),
                _ => None,
            })
            .collect()
    }

    /// Total attempts across workers.
    pub fn total_activity(&self) -> u64 {
        self.threads.iter().map(|t| t.activity).sum()
    }

    /// A table with a row per thread: name, progress, attempts, state at the end. The column
    /// headers say what the counters meant in this run, e.g. `["philosopher", "meals",
    /// "back-offs"]`.
    pub fn thread_table(&self, title: &str, columns: [&str; 3]) -> crate::TableData {
        let mut table = crate::TableData::new(
            title,
            &[columns[0], columns[1], columns[2], "state at the end"],
        );
        for thread in &self.threads {
            table.row([
                thread.name.clone(),
                thread.progress.to_string(),
                thread.activity.to_string(),
                thread.state().to_string(),
            ]);
        }
        table
    }

    /// One line per thread: name, state, progress, idle time.
    pub fn thread_lines(&self) -> Vec<String> {
        self.threads
            .iter()
            .map(|t| {
                format!(
                    "{}: {} (progress {}, attempts {}, {} since its last progress)",
                    t.name,
                    t.state(),
                    t.progress,
                    t.activity,
                    crate::timing::human(t.idle_for)
                )
            })
            .collect()
    }

    /// A one-line summary of the ending, for messages.
    pub fn describe_ending(&self) -> String {
        match &self.ending {
            Ending::Finished => "all threads finished".to_string(),
            Ending::Deadlock(cycle) => format!(
                "deadlock after {}: {cycle}",
                crate::timing::human(self.ended_after)
            ),
            Ending::Stalled => format!(
                "stall: no thread made progress, watchdog fired after {}",
                crate::timing::human(self.ended_after)
            ),
            Ending::DeadlineReached => format!(
                "deadline of {} reached with threads still running",
                crate::timing::human(self.ended_after)
            ),
        }
    }
}

/// Why a body run by [`Watchdog::run_one_telling`] gave no value, each with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReturned {
    /// It panicked: "name panicked: message".
    Panicked(String),
    /// It hung (a deadlock, a stall or the deadline): the watchdog's report.
    Hung(String),
}

impl std::fmt::Display for NotReturned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Panicked(message) | Self::Hung(message) => f.write_str(message),
        }
    }
}

/// Runs worker groups under a deadline. Build it, then call [`Watchdog::run`].
#[derive(Debug, Clone)]
pub struct Watchdog {
    deadline: Duration,
    stall_after: Duration,
    grace: Duration,
    poll: Duration,
    graph: Option<Arc<LockGraph>>,
}

impl Watchdog {
    /// A watchdog that ends the run at `deadline`, and earlier if nothing progresses for a
    /// quarter of it (at most 500 ms).
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            stall_after: (deadline / 4).min(Duration::from_millis(500)),
            grace: Duration::from_millis(500),
            poll: Duration::from_millis(2),
            graph: None,
        }
    }

    /// Ends the run when no unfinished worker made progress for `stall_after`.
    pub fn stall_after(mut self, stall_after: Duration) -> Self {
        self.stall_after = stall_after;
        self
    }

    /// How long stopped workers get to return before they are left behind.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Watches this lock graph for wait-for cycles, and aborts it when the run ends early.
    pub fn with_lock_graph(mut self, graph: &Arc<LockGraph>) -> Self {
        self.graph = Some(Arc::clone(graph));
        self
    }

    /// Runs the workers on named threads and watches them until they finish or the watchdog
    /// ends the run. Never blocks longer than the deadline plus the grace period.
    pub fn run<R: Send + 'static>(&self, workers: Vec<Worker<R>>) -> GroupReport<R> {
        let started = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let mut watched: Vec<Watched<R>> = workers
            .into_iter()
            .map(|w| Watched::spawn(w, &stop, started))
            .collect();

        let ending = loop {
            thread::sleep(self.poll);
            let now = Instant::now();
            for w in &mut watched {
                w.sample(now);
            }
            for w in &mut watched {
                w.done_before_end = w.handle.is_finished();
            }
            if watched.iter().all(|w| w.done_before_end) {
                break Ending::Finished;
            }
            if let Some(cycle) = self.graph.as_ref().and_then(|g| g.find_cycle()) {
                break Ending::Deadlock(cycle);
            }
            let last_progress = watched
                .iter()
                .filter(|w| !w.done_before_end)
                .map(|w| w.last_progress_at)
                .max()
                .unwrap_or(now);
            if now.duration_since(last_progress) >= self.stall_after {
                break Ending::Stalled;
            }
            if now.duration_since(started) >= self.deadline {
                break Ending::DeadlineReached;
            }
        };
        let ended_at = Instant::now();

        stop.store(true, Ordering::Relaxed);
        if ending != Ending::Finished
            && let Some(graph) = &self.graph
        {
            graph.abort();
        }
        let grace_end = Instant::now() + self.grace;
        while Instant::now() < grace_end && !watched.iter().all(|w| w.handle.is_finished()) {
            thread::sleep(self.poll);
        }

        let on_cycle = |name: &str| match &ending {
            Ending::Deadlock(cycle) => cycle.links.iter().any(|link| link.thread == name),
            _ => false,
        };
        let threads = watched
            .into_iter()
            .map(|w| {
                let deadlocked = on_cycle(&w.name);
                w.finish(ended_at, self.stall_after, deadlocked)
            })
            .collect();
        GroupReport {
            ending,
            threads,
            ended_after: ended_at.duration_since(started),
        }
    }
}

impl Watchdog {
    /// Runs `body` alone on a watched thread named `name` and returns its value, or a message
    /// saying why not: its panic, or the watchdog's report if it hung (a learner's deadlock fails
    /// the grader with a reason instead of hanging it). The body records no progress, so set
    /// `stall_after` to as long as it may legitimately run.
    pub fn run_one<R: Send + 'static>(
        &self,
        name: &str,
        body: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, String> {
        self.run_one_telling(name, body)
            .map_err(|why| why.to_string())
    }

    /// [`Watchdog::run_one`], telling a panic from a hang, for callers that explain each.
    pub fn run_one_telling<R: Send + 'static>(
        &self,
        name: &str,
        body: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, NotReturned> {
        let mut report = self.run(vec![worker(name, move |_: &WorkerCtx| body())]);
        if report.ending != Ending::Finished {
            return Err(NotReturned::Hung(format!(
                "{}\n{}",
                report.describe_ending(),
                report.thread_lines().join("\n")
            )));
        }
        match report.threads.remove(0).result {
            WorkerResult::Finished(value) => Ok(value),
            WorkerResult::Panicked(message) => {
                Err(NotReturned::Panicked(format!("{name} panicked: {message}")))
            }
            WorkerResult::StillRunning => Err(NotReturned::Hung(format!("{name} did not return"))),
        }
    }
}

/// A running worker and what the watchdog has seen of it.
struct Watched<R> {
    name: String,
    ctx: WorkerCtx,
    handle: JoinHandle<R>,
    last_progress: u64,
    last_progress_at: Instant,
    activity_at_last_progress: u64,
    /// Whether it had returned by the last sample before the run ended.
    done_before_end: bool,
}

impl<R: Send + 'static> Watched<R> {
    fn spawn(worker: Worker<R>, stop: &Arc<AtomicBool>, started: Instant) -> Self {
        let ctx = WorkerCtx {
            stop: Arc::clone(stop),
            ..WorkerCtx::default()
        };
        let body = worker.body;
        let thread_ctx = ctx.clone();
        let handle = thread::Builder::new()
            .name(worker.name.clone())
            .spawn(move || body(&thread_ctx))
            .unwrap_or_else(|e| panic!("cannot spawn thread {}: {e}", worker.name));
        Self {
            name: worker.name,
            ctx,
            handle,
            last_progress: 0,
            last_progress_at: started,
            activity_at_last_progress: 0,
            done_before_end: false,
        }
    }

    fn sample(&mut self, now: Instant) {
        let progress = self.ctx.progress_count();
        if progress != self.last_progress {
            self.last_progress = progress;
            self.last_progress_at = now;
            self.activity_at_last_progress = self.ctx.activity_count();
        }
    }

    fn finish(self, ended_at: Instant, stall_after: Duration, deadlocked: bool) -> ThreadReport<R> {
        let activity = self.ctx.activity_count();
        let activity_since_progress = activity.saturating_sub(self.activity_at_last_progress);
        let idle_for = if self.done_before_end {
            Duration::ZERO
        } else {
            ended_at.saturating_duration_since(self.last_progress_at)
        };
        let result = if self.handle.is_finished() {
            match self.handle.join() {
                Ok(value) => WorkerResult::Finished(value),
                Err(payload) => WorkerResult::Panicked(panic_message(payload.as_ref())),
            }
        } else {
            // Dropping the handle detaches the thread: it is reported, not waited for.
            WorkerResult::StillRunning
        };
        let state = match (&result, self.done_before_end) {
            (WorkerResult::Panicked(_), true) => ThreadState::Panicked,
            (_, true) => ThreadState::Finished,
            _ if deadlocked => ThreadState::Deadlocked,
            _ if idle_for < stall_after => ThreadState::MakingProgress,
            _ if activity_since_progress > 0 => ThreadState::BusyWithoutProgress,
            _ => ThreadState::Blocked,
        };
        ThreadReport {
            name: self.name,
            progress: self.ctx.progress_count(),
            activity,
            activity_since_progress,
            idle_for,
            state,
            result,
        }
    }
}

/// The text of a panic payload (`panic!("...")` and `todo!()` carry a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_finishing_group_returns_its_results() {
        let workers = (0..3)
            .map(|i| {
                worker(format!("adder {i}"), move |ctx: &WorkerCtx| {
                    for _ in 0..10 {
                        ctx.progress();
                    }
                    i * 10
                })
            })
            .collect();
        let report = Watchdog::new(Duration::from_secs(5)).run(workers);
        assert_eq!(report.ending, Ending::Finished);
        assert_eq!(report.results(), [Some(&0), Some(&10), Some(&20)]);
        assert_eq!(report.total_progress(), 30);
    }

    #[test]
    fn a_deliberately_hung_group_is_reported_within_its_deadline() {
        // Both threads wait on channels nobody will ever send on: a real, permanent hang.
        let (_keep_open_a, rx_a) = mpsc::channel::<()>();
        let (_keep_open_b, rx_b) = mpsc::channel::<()>();
        let workers = vec![
            worker("waiter a", move |_: &WorkerCtx| rx_a.recv().is_ok()),
            worker("waiter b", move |_: &WorkerCtx| rx_b.recv().is_ok()),
        ];
        let deadline = Duration::from_millis(600);
        let grace = Duration::from_millis(100);
        let started = Instant::now();
        let report = Watchdog::new(deadline)
            .stall_after(Duration::from_millis(200))
            .grace(grace)
            .run(workers);
        let waited = started.elapsed();
        assert_eq!(report.ending, Ending::Stalled);
        assert!(
            waited < deadline + grace + Duration::from_millis(400),
            "watchdog took {waited:?}"
        );
        for thread in &report.threads {
            assert_eq!(thread.result, WorkerResult::StillRunning);
            assert_eq!(thread.state(), "blocked");
            assert!(thread.idle_for >= Duration::from_millis(200));
        }
        assert!(report.describe_ending().contains("watchdog fired"));
    }

    #[test]
    fn busy_threads_without_progress_are_called_livelocked() {
        let workers = vec![worker("spinner", |ctx: &WorkerCtx| {
            while !ctx.should_stop() {
                ctx.busy();
                std::hint::spin_loop();
            }
        })];
        let report = Watchdog::new(Duration::from_secs(2))
            .stall_after(Duration::from_millis(100))
            .run(workers);
        assert_eq!(report.ending, Ending::Stalled);
        let spinner = &report.threads[0];
        assert_eq!(spinner.state(), "busy without progress");
        assert!(spinner.activity_since_progress > 0);
        // It honoured the stop flag, so it was joined, not left behind.
        assert_eq!(spinner.result, WorkerResult::Finished(()));
    }

    #[test]
    fn progressing_threads_run_until_the_deadline() {
        let workers = vec![worker("ticker", |ctx: &WorkerCtx| {
            while !ctx.should_stop() {
                ctx.progress();
                thread::sleep(Duration::from_millis(1));
            }
        })];
        let report = Watchdog::new(Duration::from_millis(150)).run(workers);
        assert_eq!(report.ending, Ending::DeadlineReached);
        assert!(report.total_progress() > 0);
    }

    #[test]
    fn run_one_telling_tells_a_panic_from_a_hang() {
        let watchdog = Watchdog::new(Duration::from_millis(300)).grace(Duration::from_millis(50));
        assert!(matches!(
            watchdog.run_one_telling("learner", || -> u32 { panic!("wrong") }),
            Err(NotReturned::Panicked(message)) if message == "learner panicked: wrong"
        ));
        let (_keep_open, rx) = mpsc::channel::<()>();
        assert!(matches!(
            watchdog.run_one_telling("waiter", move || rx.recv().is_ok()),
            Err(NotReturned::Hung(report)) if report.contains("waiter: blocked")
        ));
    }

    #[test]
    fn run_one_returns_the_value_or_says_why_not() {
        let watchdog = Watchdog::new(Duration::from_secs(2));
        assert_eq!(watchdog.run_one("adder", || 2 + 2), Ok(4));
        let panicked = watchdog.run_one("learner", || -> u32 { todo!("finish it") });
        assert!(
            panicked
                .as_ref()
                .is_err_and(|e| e.contains("learner panicked: not yet implemented: finish it")),
            "{panicked:?}"
        );
        let (_keep_open, rx) = mpsc::channel::<()>();
        let hung = Watchdog::new(Duration::from_millis(300))
            .grace(Duration::from_millis(50))
            .run_one("waiter", move || rx.recv().is_ok());
        assert!(
            hung.as_ref().is_err_and(|e| e.contains("waiter: blocked")),
            "{hung:?}"
        );
    }

    #[test]
    fn panics_are_reported_with_their_message() {
        let workers = vec![worker("learner", |_: &WorkerCtx| -> u32 {
            todo!("finish the exercise")
        })];
        let report = Watchdog::new(Duration::from_secs(2)).run(workers);
        assert_eq!(report.ending, Ending::Finished);
        let panics = report.panics();
        assert_eq!(panics.len(), 1);
        assert!(
            panics[0].contains("not yet implemented: finish the exercise"),
            "{panics:?}"
        );
    }
}
