//! Exercise 3.1 (reference solution) — start every thread, then join every thread, and bring each
//! one's result (or its panic) back through its `JoinHandle`.
//!
//! The book's `Chapter03/example3.py` starts all its prime-checking threads and then joins them
//! all; its threads print their answers, so the main thread learns nothing. In Rust a thread's
//! closure *returns* its answer and `JoinHandle::join` hands it back — or, if the thread panicked,
//! an `Err` carrying the panic's message, without taking the caller down.
//!
//! Used by the `spawn-join` example; graded by `tests/exercise_3_1.rs` (`cargo xtask exercise
//! check 3.1`). Run `cargo run -p chapter-3 -- run spawn-join` to see it at work.

use common::sync::spawn_named;
use common::watchdog::panic_message;

/// A thread to start: its name (shown in panics and by `thread::current().name()`) and its body.
pub struct Job<T> {
    /// The thread's name.
    pub name: String,
    /// What the thread runs; its return value is the job's result.
    pub body: Box<dyn FnOnce() -> T + Send + 'static>,
}

impl<T> Job<T> {
    /// A job named `name` running `body`.
    pub fn new(name: impl Into<String>, body: impl FnOnce() -> T + Send + 'static) -> Self {
        Self {
            name: name.into(),
            body: Box::new(body),
        }
    }
}

/// What `join` gave back: the thread's return value, or the message of its panic.
pub type Joined<T> = Result<T, String>;

/// Starts one named thread per job, *all of them first*, then joins them all, and returns their
/// results in the jobs' order.
pub fn run_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Vec<Joined<T>> {
    // Start everything before waiting for anything: joining inside this loop would run the jobs
    // one after the other (and deadlock jobs that wait for each other).
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| spawn_named(job.name, job.body))
        .collect();
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .map_err(|payload| panic_message(payload.as_ref()))
        })
        .collect()
}
