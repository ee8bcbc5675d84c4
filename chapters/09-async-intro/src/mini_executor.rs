//! The mini executor at work: three tasks that each wait on a timer several times, interleaved
//! on one thread.
//!
//! Task A waits 30 ms four times, B 25 ms four times, C 35 ms three times: 325 ms of waiting in
//! all. On one thread, one after the other, that would take 325 ms; as tasks on the executor
//! ([`crate::executor`]) it takes as long as the longest task, 120 ms, because while one task
//! waits the executor runs another. The waits are sleeps on purpose: latency is the subject, and
//! waiting is the one thing async makes cheap.
//!
//! - `real-clock`: wall-clock timers, fired by the executor's timer thread. The events land within
//!   a millisecond or so of their deadlines.
//! - `virtual-clock`: the same program on the executor's virtual clock, which jumps to the next
//!   deadline whenever every task waits. Same timeline, exactly, in no real time: how the tests
//!   check timer logic without sleeping.
//!
//! Run: `cargo run -p chapter-9 -- run mini-executor --variant virtual-clock`. Mirrors the book's
//! chapter 9 text on the event loop and tasks (no numbered example).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::executor::{Clock, Executor};

/// The tasks: (name, wait in ms, rounds).
pub const TASKS: [(&str, u64, u32); 3] = [("A", 30, 4), ("B", 25, 4), ("C", 35, 3)];

/// One event of the timeline: `task` finished round `round` at `at` (on the executor's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When, since the executor started.
    pub at: Duration,
    /// Which task.
    pub task: &'static str,
    /// Which of its rounds (from 1).
    pub round: u32,
    /// The deadline it waited for.
    pub due: Duration,
}

/// What a run of the three tasks saw.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Every event in the order the tasks recorded them.
    pub events: Vec<Event>,
    /// When the last task finished, on the executor's clock.
    pub finished_at: Duration,
    /// Real time the run took.
    pub real_time: Duration,
    /// Polls the executor made.
    pub polls: u64,
}

/// Runs the tasks with every wait multiplied by `scale`, on `clock`.
pub fn run_tasks(clock: Clock, scale: u32) -> anyhow::Result<Timeline> {
    let watch = Stopwatch::start();
    let executor = Executor::new(clock);
    let handle = executor.handle();
    let events = Rc::new(RefCell::new(Vec::new()));
    let main_events = Rc::clone(&events);
    let (finished_at, polls) = executor.block_on(async move {
        // The main task spawns the others, then awaits each one's JoinHandle.
        let mut joins = Vec::new();
        for (task, wait_ms, rounds) in TASKS {
            let handle_in_task = handle.clone();
            let events = Rc::clone(&main_events);
            let wait = Duration::from_millis(wait_ms) * scale;
            joins.push(handle.spawn(async move {
                for round in 1..=rounds {
                    // Deadlines from the start, so lateness does not pile up round after round.
                    let due = wait * round;
                    handle_in_task.sleep_until(due).await;
                    let at = handle_in_task.now();
                    events.borrow_mut().push(Event {
                        at,
                        task,
                        round,
                        due,
                    });
                }
            }));
        }
        for join in joins {
            join.await;
        }
        (handle.now(), handle.polls())
    })?;
    let events = events.take();
    Ok(Timeline {
        events,
        finished_at,
        real_time: watch.elapsed(),
        polls,
    })
}

/// The order the events must come in: by deadline (the chosen waits never tie).
pub fn expected_order(scale: u32) -> Vec<(&'static str, u32)> {
    let mut all: Vec<(Duration, &'static str, u32)> = TASKS
        .iter()
        .flat_map(|&(task, wait_ms, rounds)| {
            (1..=rounds)
                .map(move |round| (Duration::from_millis(wait_ms) * round * scale, task, round))
        })
        .collect();
    all.sort();
    all.into_iter()
        .map(|(_, task, round)| (task, round))
        .collect()
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let clock = config.variant_of::<Clock>()?;
    let scale = config.pick(1, 3);
    let timeline = crate::watched(config, "executor", move || run_tasks(clock, scale))?;

    let mut table = TableData::new(
        format!(
            "three tasks on one thread ({} clock)",
            match clock {
                Clock::Virtual => "virtual",
                Clock::Real => "real",
            }
        ),
        &["at", "task", "round", "deadline", "late by"],
    );
    for event in &timeline.events {
        table.row([
            human(event.at),
            event.task.to_string(),
            event.round.to_string(),
            human(event.due),
            human(event.at.saturating_sub(event.due)),
        ]);
    }
    let sum: Duration = TASKS
        .iter()
        .map(|&(_, wait_ms, rounds)| Duration::from_millis(wait_ms) * rounds * scale)
        .sum();
    let longest = TASKS
        .iter()
        .map(|&(_, wait_ms, rounds)| Duration::from_millis(wait_ms) * rounds * scale)
        .max()
        .unwrap_or_default();
    let order: Vec<(&str, u32)> = timeline.events.iter().map(|e| (e.task, e.round)).collect();
    let in_order = order == expected_order(scale);
    let total = timeline.finished_at;
    let showed = match clock {
        // Exact: virtual time is the longest task's waits, to the nanosecond.
        Clock::Virtual => in_order && total == longest,
        // The waits overlapped: far less than their sum (timer jitter allowed).
        Clock::Real => total >= longest && total < (longest + sum) / 2,
    };
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .table(table)
        .line(format!(
            "the waits add up to {}; on one thread they took {} ({} polls, {} events)",
            human(sum),
            human(total),
            timeline.polls,
            timeline.events.len()
        ))
        .duration("total time", total)
        .as_key()
        .duration("sum of the waits", sum)
        .duration("longest task", longest)
        .duration("real time", timeline.real_time)
        .count("polls", timeline.polls, "polls");
    match clock {
        Clock::Virtual => {
            outcome = outcome
                .line(format!(
                    "virtual time {}, real time {}: the clock jumped from deadline to deadline",
                    human(total),
                    human(timeline.real_time)
                ))
                .notice("a virtual clock makes timer code deterministic and instant: that is how the tests run it");
        }
        Clock::Real => {
            outcome = outcome.notice(
                "while one task waits for its timer the executor runs another: waits overlap on one thread",
            );
        }
    }
    Ok(outcome)
}
