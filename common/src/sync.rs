//! The one place chapter code imports blocking primitives from, so the same code runs on real
//! threads and under the shuttle model checker.
//!
//! In normal builds these are `std`'s `Mutex`, `Condvar` and `thread`; in the shuttle pass's
//! builds (`RUSTFLAGS="--cfg shuttle"`, in their own target directory, never a cargo feature, so
//! `--all-features` stays a plain build) they are shuttle's, whose every lock, wait and spawn is
//! a point where the checker may switch threads. Code written against this module is checked as
//! it is, not as a copy. `model_check` runs a test body under shuttle with the iteration count
//! from the environment (`SHUTTLE_ITERATIONS`, default 1000), so CI can trade depth for time.

/// Channels (`mpsc`): std's, or shuttle's under `--cfg shuttle`.
#[cfg(not(shuttle))]
pub use std::sync::mpsc;
#[cfg(not(shuttle))]
pub use std::sync::{Condvar, Mutex, MutexGuard, atomic};
#[cfg(not(shuttle))]
pub use std::thread;

/// Channels (`mpsc`): std's, or shuttle's under `--cfg shuttle`.
#[cfg(shuttle)]
pub use shuttle::sync::mpsc;
#[cfg(shuttle)]
pub use shuttle::sync::{Condvar, Mutex, MutexGuard, atomic};
#[cfg(shuttle)]
pub use shuttle::thread;

/// Locks `mutex`, taking the data even if a thread panicked while holding it: the examples'
/// shared state stays consistent across a panic (counters, queues), and a panicking learner's
/// thread should not turn every later lock into a second, confusing panic.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// [`lock`] for a std mutex, whatever the features: for state the model checker does not see
/// (measurement harnesses, async code, the parts of a chapter that stay on real threads even in a
/// shuttle build).
pub fn std_lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How many schedules each model-checking test explores: `SHUTTLE_ITERATIONS`, default 1000.
pub fn iterations() -> usize {
    std::env::var("SHUTTLE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1000)
}

/// Runs `body` under shuttle's PCT scheduler (randomized, biased towards the few preemptions that
/// expose most bugs), [`iterations`] times. A failure panics with shuttle's message and prints the
/// schedule to replay it with `shuttle::replay`; a deadlock's bare list of blocked tasks gets a
/// line saying what it means.
#[cfg(shuttle)]
pub fn model_check(body: impl Fn() + Send + Sync + 'static) {
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        shuttle::check_pct(body, iterations(), 3);
    }));
    if let Err(payload) = checked {
        match payload.downcast_ref::<String>() {
            Some(message) if message.starts_with("deadlock! blocked tasks") => panic!(
                "{message}: in this schedule no thread can run, each waits (for a lock, a \
                 condition variable, a channel or a join) on something only another of them \
                 could give it — a notify or a send that never comes, or a wait nobody is left \
                 to end"
            ),
            _ => std::panic::resume_unwind(payload),
        }
    }
}

/// Runs `body` under shuttle's random scheduler with at most `max_steps` scheduling steps per
/// execution. A program that cannot finish (a livelock, spinning forever) fails with
/// "exceeded max_steps bound" instead of running until the test is killed.
#[cfg(shuttle)]
pub fn model_check_bounded(body: impl Fn() + Send + Sync + 'static, max_steps: usize) {
    let mut config = shuttle::Config::new();
    config.max_steps = shuttle::MaxSteps::FailAfter(max_steps);
    let scheduler = shuttle::scheduler::RandomScheduler::new(iterations());
    shuttle::Runner::new(scheduler, config).run(body);
}

/// Spawns a named thread — a real one, or a shuttle task under `--cfg shuttle`. Names
/// appear in panic messages and in shuttle's deadlock report ("blocked tasks: [thread A, ...]").
pub fn spawn_named<T: Send + 'static>(
    name: impl Into<String>,
    body: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    thread::Builder::new()
        .name(name.into())
        .spawn(body)
        .unwrap_or_else(|e| panic!("cannot spawn a thread: {e}"))
}
