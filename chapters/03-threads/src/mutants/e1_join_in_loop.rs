//! A wrong `run_all` for exercise 3.1.
//!
//! Wrong: joins each thread right after starting it, so the jobs run one after the other and jobs that wait for each other never finish.
//! Caught: Start them all first

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
    jobs.into_iter()
        .map(|job| {
            spawn_named(job.name, job.body)
                .join()
                .map_err(|payload| panic_message(payload.as_ref()))
        })
        .collect()
}
