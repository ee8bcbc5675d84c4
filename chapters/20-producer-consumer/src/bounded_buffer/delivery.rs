//! The bookkeeping of a pipeline run: its shape (how many producers and consumers), what it
//! delivered and how that is checked — each message carries a distinct payload, each thread
//! counts what it put or took and adds up the payloads, and the sums say whether every message
//! arrived exactly once — and the summary of a watched run.
//!
//! Bookkeeping for [`super`], which is the lesson; nothing here waits or locks.

use std::time::{Duration, Instant};

use common::watchdog::{Ending, GroupReport};

/// How many producers and consumers share the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Producer threads.
    pub producers: usize,
    /// Consumer threads.
    pub consumers: usize,
}

impl Shape {
    /// `producers:consumers`, e.g. `2:1`.
    pub fn label(self) -> String {
        format!("{}:{}", self.producers, self.consumers)
    }

    /// The four shapes of the throughput table for a given N: 1:1, N:1, 1:N, N:N.
    pub fn table(n: usize) -> [Shape; 4] {
        let s = |producers, consumers| Shape {
            producers,
            consumers,
        };
        [s(1, 1), s(n, 1), s(1, n), s(n, n)]
    }

    /// The full-size sweep: the table's four shapes, then 2N:1, 1:2N and 2N:2N — with the
    /// default N = 2 on a two-core machine, more threads than cores — in order of the threads
    /// they run (1:1, 2:1, 1:2, 2:2, 4:1, 1:4, 4:4).
    pub fn sweep(n: usize) -> Vec<Shape> {
        let s = |producers, consumers| Shape {
            producers,
            consumers,
        };
        let mut shapes = Shape::table(n).to_vec();
        shapes.extend([s(2 * n, 1), s(1, 2 * n), s(2 * n, 2 * n)]);
        shapes
    }
}

/// The payload of message `i`: distinct values, so a checksum tells a lost message from a
/// duplicated one.
pub fn payload(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i >> 7)
}

/// What went in and what came out of a pipeline run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages the producers managed to put.
    pub produced: u64,
    /// Messages the consumers took.
    pub consumed: u64,
    /// Wrapping sum of the payloads put.
    pub sent_checksum: u64,
    /// Wrapping sum of the payloads taken.
    pub received_checksum: u64,
    /// Takes that woke to an empty, open buffer (only the broken `if` take can).
    pub woke_to_empty: u64,
}

impl Delivery {
    /// Every one of `messages` put and taken exactly once (count and checksum agree).
    pub fn exactly_once(&self, messages: u64) -> bool {
        let expected = (0..messages).fold(0u64, |sum, i| sum.wrapping_add(payload(i)));
        self.produced == messages
            && self.consumed == messages
            && self.sent_checksum == expected
            && self.received_checksum == expected
            && self.woke_to_empty == 0
    }

    /// Adds one thread's part.
    pub(super) fn add(&mut self, other: Delivery) {
        self.produced += other.produced;
        self.consumed += other.consumed;
        self.sent_checksum = self.sent_checksum.wrapping_add(other.sent_checksum);
        self.received_checksum = self.received_checksum.wrapping_add(other.received_checksum);
        self.woke_to_empty += other.woke_to_empty;
    }
}

/// What a pipeline thread returns: its part of the delivery, and when it finished.
pub(super) type Part = (Delivery, Instant);

/// One pipeline run on real threads under the watchdog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// What went in and came out (of the threads that returned).
    pub delivery: Delivery,
    /// From the start until the last thread returned.
    pub took: Duration,
    /// `None` if every thread returned; else why the watchdog ended the run, and each thread's
    /// state (a stall, the deadline, a panic).
    pub unfinished: Option<String>,
}

impl Run {
    /// Sums the parts of the threads that returned, and says why the run did not finish, if it
    /// did not. `started` is when the threads were let go.
    pub(super) fn of(report: &GroupReport<Part>, started: Instant) -> Self {
        let mut delivery = Delivery::default();
        let mut last = started;
        for (part, finished) in report.results().into_iter().flatten() {
            delivery.add(*part);
            last = last.max(*finished);
        }
        let panics = report.panics();
        let unfinished = if report.ending != Ending::Finished {
            Some(format!(
                "{}: {}",
                report.describe_ending(),
                report.thread_lines().join("; ")
            ))
        } else if !panics.is_empty() {
            Some(format!("a pipeline thread panicked: {}", panics.join("; ")))
        } else {
            None
        };
        Run {
            delivery,
            took: last.duration_since(started),
            unfinished,
        }
    }
}
