//! Grading suite of exercise 5.2 (`collect_until`), run by `cargo xtask exercise check 5.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_deadline.rs`. Real channels and threads, and real requests to
//! the local status server; every check runs under a watchdog, so a collector that waits forever
//! fails with a report instead of hanging the grader. Times are asserted only as bounds the
//! deadline guarantees (never returns before it when a result is missing) and generous
//! termination bounds.

#![cfg(not(feature = "shuttle"))]

use std::sync::mpsc;
use std::time::{Duration, Instant};

use chapter_5::deadline::collect_until;
use chapter_5::probe::{Answer, Target};
use chapter_5::timeouts::with_timeouts;
use common::http::StatusServer;
use common::testing;

fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
    testing::watched("collect_until", Duration::from_secs(20), body)
}

#[test]
fn results_land_in_their_slots_whatever_the_order() {
    let slots = watched(|| {
        let (sender, results) = mpsc::channel();
        for (index, value) in [(2, 'c'), (0, 'a'), (1, 'b')] {
            sender.send((index, value)).expect("sends");
        }
        // The sender stays alive: the call must return because every slot is filled.
        let slots = collect_until(&results, 3, Instant::now() + Duration::from_secs(60));
        drop(sender);
        slots
    });
    assert_eq!(slots, vec![Some('a'), Some('b'), Some('c')]);
}

#[test]
fn a_worker_that_never_reports_is_missing_at_the_deadline() {
    let (slots, waited) = watched(|| {
        let (sender, results) = mpsc::channel();
        sender.send((0, "fast")).expect("sends");
        sender.send((2, "also fast")).expect("sends");
        let started = Instant::now();
        // Slot 1's worker is still "running": it holds a sender and never sends.
        let slots = collect_until(&results, 3, started + Duration::from_millis(300));
        let waited = started.elapsed();
        drop(sender);
        (slots, waited)
    });
    assert_eq!(slots, vec![Some("fast"), None, Some("also fast")]);
    assert!(
        waited >= Duration::from_millis(300),
        "returned before the deadline: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(10),
        "returned long after the deadline: {waited:?}"
    );
}

#[test]
fn when_every_sender_hangs_up_it_returns_without_waiting_for_the_deadline() {
    let (slots, waited) = watched(|| {
        let (sender, results) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            sender.send((1, 10)).expect("sends");
            sender.send((9, 99)).expect("sends"); // out of range: ignored
            // The worker ends here; its sender is dropped without filling slot 0.
        });
        let started = Instant::now();
        let slots = collect_until(&results, 2, started + Duration::from_secs(60));
        let waited = started.elapsed();
        worker.join().expect("the worker");
        (slots, waited)
    });
    assert_eq!(slots, vec![None, Some(10)]);
    assert!(
        waited < Duration::from_secs(10),
        "waited {waited:?} for nobody"
    );
}

#[test]
fn real_requests_the_slow_one_is_left_out_at_the_deadline() {
    let server = StatusServer::start().expect("starts");
    let base = server.url("");
    let probes = watched(move || {
        let targets = vec![
            Target::status(&base, 200, Duration::ZERO),
            Target::status(&base, 404, Duration::ZERO),
            Target::status(&base, 200, Duration::from_secs(5)),
        ];
        // Each request may take 20 s, but the run has 1.5 s: the deadline has to act.
        with_timeouts(
            &targets,
            Duration::from_secs(20),
            Duration::from_millis(1_500),
        )
    });
    assert_eq!(probes[0].answer, Answer::Status(200));
    assert_eq!(probes[1].answer, Answer::Status(404));
    assert_eq!(probes[2].answer, Answer::Unfinished);
}
