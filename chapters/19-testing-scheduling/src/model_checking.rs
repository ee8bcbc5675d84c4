//! Model checking: a buggy ticket dispenser that a stress test misses and a model checker finds,
//! replays, and then passes once it is fixed.
//!
//! The book's chapter 19 says concurrent bugs hide from ordinary tests because they need an
//! unlucky interleaving. Here is one. [`TicketDispenser::take`] hands out tickets 0, 1, 2, ...
//! In the `broken` version it loads the next ticket, checks it against the capacity, and stores
//! the next one: two threads that both load before either stores get the *same* ticket. The
//! window is a few nanoseconds wide, so a plain stress test (two threads each take a ticket,
//! thousands of times) usually passes. A model checker does not rely on luck: it runs the test
//! body many times, choosing the interleaving itself at every atomic operation.
//!
//! - shuttle (randomized, PCT scheduler) runs inside this example: it finds the duplicate, writes
//!   the failing schedule to a file, and replaying that schedule fails the same way every time.
//! - loom (exhaustive, every interleaving up to a preemption bound) checks the same code in
//!   `tests/loom_model_check.rs`, side by side with shuttle's `tests/model_check.rs`.
//!
//! The dispenser is generic over [`AtomicCell`], implemented for std's, shuttle's and loom's
//! `AtomicUsize`, so each checker checks the very code the stress test runs. The `fixed` version
//! is one compare-and-swap loop: the store only happens if nobody moved the counter since the
//! load. Both checkers pass it.
//!
//! Run: `cargo run -p chapter-19 -- run model-checking` (both) or `--variant broken`.
//! Expect: the stress test finds few or no duplicates; shuttle finds one in the first few
//! schedules and its replay fails identically (shuttle's own report appears on stderr); the fixed
//! dispenser passes the stress test and every schedule shuttle tries.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::watchdog::panic_message;
use common::{Outcome, RunConfig, TableData, Verdict};

/// The atomic operations the dispenser needs, so that std, shuttle and loom can each supply them.
pub trait AtomicCell: Send + Sync + 'static {
    /// A cell holding `value`.
    fn new(value: usize) -> Self;
    /// Reads the value.
    fn load(&self) -> usize;
    /// Writes the value.
    fn store(&self, value: usize);
    /// Writes `new` only if the value is still `current`; returns the value seen.
    fn compare_exchange(&self, current: usize, new: usize) -> Result<usize, usize>;
}

macro_rules! atomic_cell {
    ($atomic:ty) => {
        impl AtomicCell for $atomic {
            fn new(value: usize) -> Self {
                <$atomic>::new(value)
            }
            fn load(&self) -> usize {
                <$atomic>::load(self, Ordering::SeqCst)
            }
            fn store(&self, value: usize) {
                <$atomic>::store(self, value, Ordering::SeqCst)
            }
            fn compare_exchange(&self, current: usize, new: usize) -> Result<usize, usize> {
                <$atomic>::compare_exchange(self, current, new, Ordering::SeqCst, Ordering::SeqCst)
            }
        }
    };
}

atomic_cell!(std::sync::atomic::AtomicUsize);
atomic_cell!(shuttle::sync::atomic::AtomicUsize);
#[cfg(loom)]
atomic_cell!(loom::sync::atomic::AtomicUsize);

common::variants! {
    /// The two versions of [`TicketDispenser::take`], side by side.
    pub enum Version {
        /// Load, check, store: two threads can take the same ticket.
        Broken = "broken": "load, check, store: two threads can take the same ticket",
        /// A compare-and-swap loop: every ticket is taken once.
        Fixed = "fixed": "one compare-and-swap loop: every ticket is taken once",
    }
}

/// Hands out tickets 0, 1, 2, ... up to a capacity.
#[derive(Debug)]
pub struct TicketDispenser<A> {
    next: A,
    capacity: usize,
    version: Version,
}

impl<A: AtomicCell> TicketDispenser<A> {
    /// A dispenser of `capacity` tickets.
    pub fn new(capacity: usize, version: Version) -> Self {
        Self {
            next: A::new(0),
            capacity,
            version,
        }
    }

    /// Takes the next ticket, or `None` when all are gone.
    pub fn take(&self) -> Option<usize> {
        match self.version {
            Version::Broken => {
                let ticket = self.next.load();
                if ticket >= self.capacity {
                    return None;
                }
                // The window: another thread may load the same `ticket` right here.
                self.next.store(ticket + 1);
                Some(ticket)
            }
            Version::Fixed => {
                let mut ticket = self.next.load();
                while ticket < self.capacity {
                    match self.next.compare_exchange(ticket, ticket + 1) {
                        Ok(_) => return Some(ticket),
                        // Somebody took `ticket` first: try the one after what they left.
                        Err(seen) => ticket = seen,
                    }
                }
                None
            }
        }
    }
}

/// The property every checker asserts: no ticket handed out twice.
pub fn assert_distinct(tickets: &[Option<usize>]) {
    let mut taken: Vec<usize> = tickets.iter().flatten().copied().collect();
    taken.sort_unstable();
    if let Some(pair) = taken.windows(2).find(|w| w[0] == w[1]) {
        panic!(
            "duplicate ticket {}: two customers got the same ticket",
            pair[0]
        );
    }
}

/// The plain stress test: `trials` times, two real threads take one ticket each. Returns how
/// many trials handed out a duplicate.
pub fn stress_test(version: Version, trials: usize) -> usize {
    (0..trials)
        .filter(|_| {
            let dispenser = Arc::new(TicketDispenser::<std::sync::atomic::AtomicUsize>::new(
                10, version,
            ));
            let tickets: Vec<Option<usize>> = std::thread::scope(|s| {
                let takers: Vec<_> = (0..2).map(|_| s.spawn(|| dispenser.take())).collect();
                takers
                    .into_iter()
                    .map(|t| t.join().ok().flatten())
                    .collect()
            });
            catch_unwind(|| assert_distinct(&tickets)).is_err()
        })
        .count()
}

/// The same test as a shuttle test body: two shuttle threads take one ticket each.
pub fn shuttle_body(version: Version) -> impl Fn() + Send + Sync + 'static {
    move || {
        let dispenser = Arc::new(TicketDispenser::<shuttle::sync::atomic::AtomicUsize>::new(
            10, version,
        ));
        let takers: Vec<_> = (0..2)
            .map(|_| {
                let dispenser = Arc::clone(&dispenser);
                shuttle::thread::spawn(move || dispenser.take())
            })
            .collect();
        let tickets: Vec<Option<usize>> = takers
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| panic!("a taker panicked")))
            .collect();
        assert_distinct(&tickets);
    }
}

/// What shuttle found.
#[derive(Debug, Clone)]
pub struct ShuttleFinding {
    /// Schedules run (up to and including the failing one).
    pub schedules: usize,
    /// The failure's message, if one was found.
    pub failure: Option<String>,
    /// The failing schedule, as shuttle encodes it for `shuttle::replay`.
    pub schedule: Option<String>,
    /// The messages of the replays of that schedule.
    pub replays: Vec<Option<String>>,
}

/// Where the example asks shuttle to write failing schedules: under this folder, each check gets
/// a folder of its own (see [`shuttle_check`]).
pub fn schedule_dir() -> PathBuf {
    std::env::temp_dir().join("chapter-19-shuttle-schedules")
}

/// This process's folder under [`schedule_dir`], so that processes running at once (a test
/// binary and the tour) never touch each other's files. It is one folder for the whole process
/// because shuttle installs its panic hook once, with the first run's config: every later failure
/// in the process is written where the first run said.
fn process_schedule_dir() -> PathBuf {
    schedule_dir().join(std::process::id().to_string())
}

fn schedule_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Keeps the tour's stderr to shuttle's own report: the assertion's panic message is shown in
/// the outcome instead of by the default hook. Other panics still print.
fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !panic_message(info.payload()).starts_with("duplicate ticket") {
                previous(info);
            }
        }));
    });
}

/// Runs `version` under shuttle's PCT scheduler (seeded), up to `iterations` schedules; on a
/// failure, reads the schedule shuttle wrote and replays it `replays` times.
pub fn shuttle_check(
    version: Version,
    seed: u64,
    iterations: usize,
    replays: usize,
) -> anyhow::Result<ShuttleFinding> {
    quiet_expected_panics();
    // One check at a time in a process: they share the folder (see `process_schedule_dir`), and
    // a check must find its own schedule file there, not a parallel test's.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = process_schedule_dir();
    // Start empty (a file left by an earlier process with the same id would be taken for ours).
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::File(Some(dir.clone()));
    let schedules = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&schedules);
    let body = shuttle_body(version);
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(seed, 2, iterations);
    let runner = shuttle::Runner::new(scheduler, config);
    let result = catch_unwind(AssertUnwindSafe(|| {
        runner.run(move || {
            counted.fetch_add(1, Ordering::Relaxed);
            body();
        })
    }));
    let failure = result.err().map(|p| panic_message(&*p));
    let schedule_file = schedule_files(&dir).first().cloned();
    let schedule = match &schedule_file {
        Some(file) => Some(std::fs::read_to_string(file)?.trim().to_string()),
        None => None,
    };
    let mut replay_messages = Vec::new();
    if let Some(file) = &schedule_file {
        for _ in 0..replays {
            let scheduler = shuttle::scheduler::ReplayScheduler::new_from_file(file)?;
            let mut config = shuttle::Config::new();
            config.failure_persistence = shuttle::FailurePersistence::None;
            let body = shuttle_body(version);
            let replayed = catch_unwind(AssertUnwindSafe(|| {
                shuttle::Runner::new(scheduler, config).run(body)
            }));
            replay_messages.push(replayed.err().map(|p| panic_message(&*p)));
        }
    }
    // The replays' panics go through shuttle's hook too, which may have written more files.
    // The schedule string is in the finding; the files are not needed any more.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ShuttleFinding {
        schedules: schedules.load(Ordering::Relaxed),
        failure,
        schedule,
        replays: replay_messages,
    })
}

/// Runs one variant: the stress test, then shuttle.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let version = config.variant_of::<Version>()?;
    // A thousand stress runs in the tour (two thread spawns each: slow on a loaded machine);
    // the verdict is shuttle's, the stress count is only the contrast.
    let trials = config.pick(1_000, 20_000);
    let duplicates = stress_test(version, trials);
    let finding = shuttle_check(version, config.seed, 1_000, 2)?;

    let mut table = TableData::new("Two threads, one ticket each", &["test", "runs", "result"]);
    table.row([
        "stress test, real threads".to_string(),
        common::format::count(trials),
        format!(
            "{} with a duplicate ticket",
            common::format::counted(duplicates, "runs")
        ),
    ]);
    table.row([
        "shuttle (PCT scheduler)".to_string(),
        common::format::count(finding.schedules),
        finding
            .failure
            .clone()
            .unwrap_or_else(|| "no failure".to_string()),
    ]);
    for (i, replay) in finding.replays.iter().enumerate() {
        table.row([
            format!("shuttle replay {}", i + 1),
            "1".to_string(),
            replay
                .clone()
                .unwrap_or_else(|| "passed (not replayed?)".into()),
        ]);
    }

    let mut outcome = config.outcome(Verdict::DidNotShow)
        .count("stress-test runs with a duplicate", duplicates, "runs")
        .count("schedules shuttle ran", finding.schedules, "schedules").as_key()
        .table(table)
        .line("loom checks the same dispenser exhaustively: RUSTFLAGS=\"--cfg loom\" CARGO_TARGET_DIR=target/loom cargo test -p chapter-19 --release --test loom_model_check");
    let showed = match version {
        Version::Broken => {
            let replays_fail_alike = !finding.replays.is_empty()
                && finding.replays.iter().all(|r| r == &finding.failure);
            if let Some(schedule) = &finding.schedule {
                outcome = outcome
                    .line(format!(
                        "shuttle's failing schedule: \"{schedule}\" — replay it with shuttle::replay(test, \"{schedule}\")."
                    ))
                    .line(
                        "Replayed, the same schedule fails the same way, every time: a flaky bug becomes a deterministic test.",
                    )
                    .line("(shuttle's own report — \"Task failed, serializing schedule\" and the schedule file — went to stderr; the example removes the file afterwards, its content is the string above.)");
            }
            outcome = if duplicates == 0 {
                outcome.notice("a test that passes thousands of times can still hide a race; a model checker picks the interleavings itself, finds the bad one, and hands it back to replay")
            } else {
                outcome.notice(format!("the stress test was lucky this time ({} of {} runs hit the race), but luck decides that; a model checker picks the interleavings itself, finds the bad one, and hands it back to replay", common::format::count(duplicates), common::format::count(trials)))
            };
            finding.failure.is_some() && replays_fail_alike
        }
        Version::Fixed => {
            outcome = outcome.notice("compare-and-swap makes check-and-take one step: no schedule shuttle tries, and none that loom enumerates, hands out a ticket twice");
            finding.failure.is_none() && duplicates == 0 && finding.schedules == 1_000
        }
    };
    outcome.verdict = Verdict::from(showed);
    Ok(outcome)
}
