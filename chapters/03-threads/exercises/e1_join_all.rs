//! Exercise 3.1 — start every thread, then join every thread, and bring each one's result (or its
//! panic) back through its `JoinHandle`.
//!
//! The book's `Chapter03/example3.py` starts all its prime-checking threads and then joins them
//! all; its threads print their answers, so the main thread learns nothing. In Rust a thread's
//! closure *returns* its answer and `JoinHandle::join` hands it back — or, if the thread panicked,
//! an `Err` carrying the panic's payload, without taking the caller down.
//!
//! Write `run_all`: start one thread per job with `common::sync::spawn_named(job.name, job.body)`
//! (it becomes the model checker's spawn under test), ALL of them before joining any; then join
//! each and return the results in the jobs' order, turning a panic's payload into its message
//! with `common::watchdog::panic_message(payload.as_ref())`.
//!
//! What the grader checks (`cargo xtask exercise check 3.1`):
//! - results come back in the jobs' order, each thread ran under its job's name;
//! - a panicking job gives `Err(its message)` and the other jobs' results still arrive;
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
    // TODO: spawn every job with `common::sync::spawn_named`, collecting the handles.
    // TODO: then join each handle; map a panic payload to its message.
    let _ = jobs;
    todo!("start all, then join all")
}
