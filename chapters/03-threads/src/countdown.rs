//! The book's `MyThread`: a named thread that counts down from 5, sleeping `delay` before each
//! step — and the timeline its steps leave, so interleaving can be *shown* rather than printed.
//!
//! Mirrors `Chapter03/my_thread.py`. The book's threads print as they go; printing from threads
//! takes the stdout lock and mixes lines, so here each step is recorded as an [`Event`] (when,
//! which thread, which count) in a shared [`Timeline`], and the example prints the merged
//! timeline afterwards. The sleeps are the book's 0.5 s scaled to milliseconds: what is shown is
//! latency (two threads waiting at once), not computation.
//!
//! Used by `spawn-join` (the book's example1) and `lock-serializes` (example4); not run on its own.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::TableData;

/// The book's countdown starts at 5.
pub const COUNT_FROM: u32 = 5;

/// One step of a countdown: `thread` said `count` at `at` after the timeline started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Time since the timeline started.
    pub at: Duration,
    /// The thread's name, read with `thread::current().name()`.
    pub thread: String,
    /// The count it reached.
    pub count: u32,
}

/// A shared, time-stamped log of events from many threads.
#[derive(Debug, Clone)]
pub struct Timeline {
    started: Instant,
    events: Arc<Mutex<Vec<Event>>>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

impl Timeline {
    /// An empty timeline starting now.
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            events: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Records that the current thread reached `count`.
    pub fn record(&self, count: u32) {
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let at = self.started.elapsed();
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Event { at, thread, count });
    }

    /// Every event so far, in the order they were recorded (which is time order).
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many times consecutive events came from different threads: 0 means one thread's
    /// steps all came before the other's; more means their output interleaved.
    pub fn switches(&self) -> usize {
        self.events()
            .windows(2)
            .filter(|w| w[0].thread != w[1].thread)
            .count()
    }

    /// The merged timeline as a table.
    pub fn table(&self, title: &str) -> TableData {
        let mut table = TableData::new(title, &["at", "thread", "counting down"]);
        for event in self.events() {
            table.row([
                format!("{:.1} ms", event.at.as_secs_f64() * 1e3),
                event.thread,
                event.count.to_string(),
            ]);
        }
        table
    }
}

/// What one countdown thread hands back through its `JoinHandle`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    /// The thread's name.
    pub name: String,
    /// The counts it went through, in order (5, 4, 3, 2, 1).
    pub counts: Vec<u32>,
    /// How long it took.
    pub took: Duration,
}

/// The book's `thread_count_down`: from [`COUNT_FROM`] to 1, sleeping `delay` before each step,
/// recording each step in `timeline`. Run it on a named thread.
pub fn count_down(delay: Duration, timeline: &Timeline) -> Countdown {
    let started = Instant::now();
    let mut counts = Vec::new();
    for count in (1..=COUNT_FROM).rev() {
        std::thread::sleep(delay);
        timeline.record(count);
        counts.push(count);
    }
    Countdown {
        name: std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string(),
        counts,
        took: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_countdown_goes_from_five_to_one_on_its_named_thread() {
        let timeline = Timeline::new();
        let handle = std::thread::Builder::new()
            .name("A".into())
            .spawn({
                let timeline = timeline.clone();
                move || count_down(Duration::ZERO, &timeline)
            })
            .expect("spawns");
        let countdown = handle.join().expect("no panic");
        assert_eq!(countdown.name, "A");
        assert_eq!(countdown.counts, [5, 4, 3, 2, 1]);
        assert_eq!(timeline.events().len(), 5);
        assert_eq!(timeline.switches(), 0);
    }
}
