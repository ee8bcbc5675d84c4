//! Parent and children talking over pipes, one length-prefixed message at a time.
//!
//! The book sends objects to a child through a `multiprocessing.Queue` (`Chapter06/example6.py`):
//! underneath, a pipe carrying each pickled object with its length in front. Here the parent
//! forks `--threads` workers, each with its own pipe; each worker sends its messages as frames
//! (exercise 6.2's `write_frame`, bytes built before the fork: the child only `write`s), then
//! exits. The parent reads every pipe with `read_frame` and checks that every message arrived
//! exactly once, intact and in order, then reaps every worker.
//!
//! Nothing waits without a limit: each `read` first `poll`s with what is left of the time budget
//! (`common::process::DeadlineReader`, shared with chapter 20); at the deadline the parent gives
//! up, kills the workers and reaps them.
//!
//! Variants:
//! - `length-prefixed`: each message is raw bytes.
//! - `typed`: each message is a typed [`Message`] serialized with serde_json (the book pickles a
//!   `MyWorker` object); the parent decodes each frame back into a `Message` and checks its fields.
//!   The book's object goes parent to child; here it goes child to parent, on purpose: decoding
//!   allocates, and a child forked from a multi-threaded process must not allocate (see
//!   `fork.rs`). Encoding happens in the parent before the fork, decoding in the parent after. A
//!   child that must decode should be a fresh program (`Command`), which starts single-threaded.
//!
//! Run: `cargo run -p chapter-6 -- run pipes [--variant typed] [--threads N]`. Expect every
//! message received once.

use std::time::{Duration, Instant};

use anyhow::Context;
use common::process::{DeadlineReader, write_all};
use common::{Outcome, RunConfig, Verdict, format};
use nix::sys::wait::WaitStatus;
use nix::unistd::pipe;

use crate::fork::{fork_child, kill_and_reap};
use crate::framing::{read_frame, write_frame};
use crate::wait_timeout::wait_timeout;

/// Message `j` of worker `i`.
pub fn message(i: usize, j: usize) -> Vec<u8> {
    format!(
        "worker {i}: message {j} {}",
        "x".repeat((i * 31 + j * 7) % 200)
    )
    .into_bytes()
}

/// A typed message (the book's `MyWorker` object), sent as JSON in the `typed` variant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The sending worker.
    pub worker: usize,
    /// Its sequence number within that worker's stream.
    pub seq: usize,
    /// A payload the receiver checks.
    pub text: String,
}

/// Message `j` of worker `i`, typed.
pub fn typed(i: usize, j: usize) -> Message {
    Message {
        worker: i,
        seq: j,
        text: String::from_utf8(message(i, j)).expect("ASCII"),
    }
}

common::variants! {
    /// How the messages are encoded in a frame.
    pub enum Encoding {
        /// Raw bytes.
        Raw = "length-prefixed": "a 4-byte length before each message (exercise 6.2's framing)",
        /// serde_json of a [`Message`].
        Json = "typed": "each frame a serde_json-encoded Message, decoded and checked by the parent",
    }
}

fn encode(encoding: Encoding, i: usize, j: usize) -> anyhow::Result<Vec<u8>> {
    Ok(match encoding {
        Encoding::Raw => message(i, j),
        Encoding::Json => serde_json::to_vec(&typed(i, j))?,
    })
}

fn is_expected(encoding: Encoding, i: usize, j: usize, frame: &[u8]) -> bool {
    match encoding {
        Encoding::Raw => frame == message(i, j),
        Encoding::Json => serde_json::from_slice::<Message>(frame).is_ok_and(|m| m == typed(i, j)),
    }
}

/// What the parent received: per worker, the messages intact and in order, and its exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Messages each worker sent.
    pub per_worker: usize,
    /// Per worker: messages received equal to the one sent at that position.
    pub intact: Vec<usize>,
    /// Per worker: messages received in all.
    pub received: Vec<usize>,
    /// Every worker exited 0 and was reaped.
    pub all_exited_cleanly: bool,
}

impl Received {
    /// Every message of every worker exactly once, intact, in order; every worker reaped.
    pub fn exactly_once(&self) -> bool {
        self.all_exited_cleanly
            && self
                .intact
                .iter()
                .chain(&self.received)
                .all(|&n| n == self.per_worker)
    }
}

/// Forks `workers` children that each send `per_worker` frames over their own pipe.
pub fn exchange(
    encoding: Encoding,
    workers: usize,
    per_worker: usize,
    budget: Duration,
) -> anyhow::Result<Received> {
    let deadline = Instant::now() + budget;
    let mut children = Vec::new();
    let mut readers = Vec::new();
    for i in 0..workers {
        let mut bytes = Vec::new();
        for j in 0..per_worker {
            write_frame(&mut bytes, &encode(encoding, i, j)?)?;
        }
        let (rx, tx) = pipe().context("pipe")?;
        // The child only writes bytes built before the fork, then `_exit`s.
        let child = fork_child(move || match write_all(&tx, &bytes) {
            Ok(()) => 0,
            Err(_) => 1,
        })?;
        children.push(child);
        readers.push(DeadlineReader::new(rx, deadline));
    }
    let mut intact = vec![0; workers];
    let mut received = vec![0; workers];
    let mut failed = false;
    for (i, reader) in readers.iter_mut().enumerate() {
        loop {
            match read_frame(reader) {
                Ok(Some(frame)) => {
                    if is_expected(encoding, i, received[i], &frame) {
                        intact[i] += 1;
                    }
                    received[i] += 1;
                }
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
    }
    drop(readers);
    let mut all_exited_cleanly = !failed;
    for child in children {
        let left = deadline.saturating_duration_since(Instant::now());
        match wait_timeout(child, left)? {
            Some(WaitStatus::Exited(_, 0)) => {}
            Some(_) => all_exited_cleanly = false,
            None => {
                kill_and_reap(child)?;
                all_exited_cleanly = false;
            }
        }
    }
    Ok(Received {
        per_worker,
        intact,
        received,
        all_exited_cleanly,
    })
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let per_worker = config.pick(500, 5_000);
    let encoding = config.variant_of::<Encoding>()?;
    let r = exchange(encoding, config.threads, per_worker, config.budget())?;
    let total: usize = r.intact.iter().sum();
    Ok(config.outcome(Verdict::from(r.exactly_once()))
        .line(format!(
            "{} forked workers each sent {} length-prefixed {} over its own pipe; the parent received {} intact of {} (per worker: {}).",
            config.threads,
            format::count(per_worker),
            match encoding {
                Encoding::Json => "typed messages (serde_json, decoded by the parent)",
                Encoding::Raw => "messages",
            },
            format::count(total),
            format::count(config.threads * per_worker),
            r.intact.iter().map(|&n| format::count(n)).collect::<Vec<_>>().join(", ")
        ))
        .line(format!(
            "Every worker exited 0 and was reaped: {}.",
            format::yes_no(r.all_exited_cleanly)
        ))
        .count("messages received exactly once", total, "messages").as_key()
        .notice("a pipe carries bytes: the length in front of each message puts the boundaries back"))
}
