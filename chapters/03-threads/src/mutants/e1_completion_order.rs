//! A wrong `run_all` for exercise 3.1.
//!
//! Wrong: joins the threads in the order they report done over a channel, so the results come back in the order the jobs finished, not the order they were given.
//! Caught: results in the jobs' order

use common::sync::{mpsc, spawn_named};
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
    // Each thread reports its index when its job is done, so the results can be collected as
    // they come and a slow job does not hold up the others.
    let (done_tx, done_rx) = mpsc::channel();
    let mut running: Vec<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, job)| {
            let done_tx = done_tx.clone();
            Some(spawn_named(job.name, move || {
                let value = (job.body)();
                let _ = done_tx.send(i);
                value
            }))
        })
        .collect();
    drop(done_tx);
    let mut results = Vec::with_capacity(running.len());
    for i in done_rx {
        if let Some(handle) = running[i].take() {
            results.push(
                handle
                    .join()
                    .map_err(|payload| panic_message(payload.as_ref())),
            );
        }
    }
    // A job that panicked never reported: join it last.
    for handle in running.into_iter().flatten() {
        results.push(
            handle
                .join()
                .map_err(|payload| panic_message(payload.as_ref())),
        );
    }
    results
}
