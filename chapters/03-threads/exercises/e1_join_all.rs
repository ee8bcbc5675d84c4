//! Exercise 3.1 — start every thread, then join every thread, and bring each one's result (or its
//! panic) back to the caller.
//!
//! The book's `Chapter03/example3.py` starts all its prime-checking threads and then joins them
//! all; its threads print their answers, so the main thread learns nothing. In Rust a thread's
//! closure can *return* its answer to whoever joins it, and a thread that panics need not take
//! the caller down.
//!
//! Write `run_all`: start one thread per job with `common::sync::spawn_named` (it names the thread
//! after the job, and becomes the model checker's spawn under test), ALL of them before joining
//! any; then join each and return the results in the jobs' order, a panic turned into
//! `Err(its message)`.
//!
//! What the grader checks (`cargo xtask exercise check 3.1`):
//! - results come back in the jobs' order, also when the jobs finish last to first; each
//!   thread ran under its job's name;
//! - a panicking job gives `Err(its message)`, for `panic!("literal")` and `panic!("{}", x)`
//!   alike, and the other jobs' results still arrive; no jobs give no results;
//! - jobs that wait for each other (a barrier) all finish: they must run at the same time —
//!   on real threads under a watchdog, and under the shuttle model checker.

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
    // TODO: start a named thread for every job before waiting for any of them.
    // TODO: then collect each thread's outcome, in the jobs' order: its value, or the message
    // of its panic.
    let _ = jobs;
    todo!("start all, then join all")
}
