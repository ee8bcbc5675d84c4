//! Integration tests on the examples' outcomes and their library functions, on real threads and
//! real processes: every pipeline delivers every item exactly once (count and checksum), the
//! flawed shutdown strands work and says so instead of hanging, backpressure bounds the queue,
//! and the process pipeline is exact-once across several seeds. The async pipeline runs under
//! tokio's paused clock. No wall-clock assertions beyond the lower bounds that the consumer's
//! sleeps guarantee; the generous deadlines only turn a hang into a failure.

#![cfg(not(shuttle))]

use std::sync::Arc;
use std::time::Duration;

use chapter_20::across_processes::{self, Framing};
use chapter_20::async_pipeline;
use chapter_20::backpressure;
use chapter_20::bounded_buffer::{BoundedBuffer, Channel, Shape, Take, watched_buffer_pipeline};
use chapter_20::{CHAPTER, tasks};
use common::Verdict;
use common::testing::{run_quick, run_quick_threads};

/// A deadline no correct run comes near: it only turns a hang into a failure.
const DEADLINE: Duration = Duration::from_secs(30);

#[test]
fn every_channel_delivers_exactly_once_in_every_shape() {
    for n in [1, 3] {
        for shape in Shape::table(n) {
            for channel in Channel::ALL {
                for capacity in [1, 16] {
                    let run = channel.run(shape, 5_000, capacity, DEADLINE);
                    assert!(
                        run.unfinished.is_none() && run.delivery.exactly_once(5_000),
                        "{} {} capacity {capacity}: {run:?}",
                        channel.label(),
                        shape.label()
                    );
                }
            }
        }
    }
}

#[test]
fn a_delivery_with_a_lost_message_is_not_exactly_once() {
    // The checker of the other tests must be able to fail.
    let full = Channel::Condvar
        .run(
            Shape {
                producers: 1,
                consumers: 1,
            },
            100,
            4,
            DEADLINE,
        )
        .delivery;
    assert!(full.exactly_once(100));
    assert!(!full.exactly_once(101), "one message short");
}

#[test]
fn the_broken_take_ends_without_inventing_messages() {
    // Whether the `if` bug bites on real threads is luck (the model checker finds it always);
    // what is guaranteed is that the run ends and never takes more than was put.
    for _ in 0..5 {
        let buffer = Arc::new(BoundedBuffer::new(1));
        let shape = Shape {
            producers: 3,
            consumers: 3,
        };
        let run = watched_buffer_pipeline(&buffer, shape, 20_000, Take::If, DEADLINE);
        assert_eq!(run.unfinished, None, "{run:?}");
        let delivery = run.delivery;
        assert!(delivery.consumed <= delivery.produced, "{delivery:?}");
        if delivery.woke_to_empty == 0 {
            assert!(delivery.exactly_once(20_000), "{delivery:?}");
        }
    }
}

#[test]
fn compare_checks_every_run() {
    let outcome = run_quick(&CHAPTER, "bounded-buffer", "compare");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.tables[0].rows.len(), 4, "1:1, N:1, 1:N, N:N");
    assert!(outcome.key().is_some_and(|k| k.value > 0.0));
}

#[test]
fn try_take_does_not_wait_and_frees_room() {
    let buffer = BoundedBuffer::new(1);
    assert_eq!(buffer.try_take(), None);
    buffer.put(7).expect("open");
    assert_eq!(buffer.try_take(), Some(7));
    buffer.put(8).expect("room again after try_take");
    assert_eq!(buffer.len(), 1);
}

#[test]
fn the_flawed_shutdown_strands_tasks_and_does_not_hang() {
    for _ in 0..3 {
        let outcome = run_quick(&CHAPTER, "flawed-shutdown", "broken");
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        let produced = outcome.get("tasks produced").expect("produced");
        let consumed = outcome.get("tasks consumed").expect("consumed");
        let stranded = outcome.get("tasks stranded").expect("stranded");
        assert_eq!(produced, 10.0);
        assert!(stranded > 0.0);
        assert_eq!(produced, consumed + stranded);
        // Every forced run strands work, whenever the consumers ran.
        let runs = outcome.get("runs").expect("runs");
        assert_eq!(runs, 3.0);
        assert_eq!(outcome.get("forced runs stranding tasks"), Some(runs));
        assert!(outcome.get("free-running runs stranding tasks").is_some());
    }
}

#[test]
fn both_shutdowns_consume_every_task_exactly_once() {
    for variant in ["poison-pill", "close"] {
        for consumers in [1, 2, 5] {
            let outcome = run_quick_threads(&CHAPTER, "shutdown", variant, consumers);
            assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
            assert_eq!(outcome.get("tasks consumed exactly once"), Some(1_000.0));
            assert_eq!(outcome.get("tasks lost"), Some(0.0));
            assert_eq!(outcome.get("tasks duplicated"), Some(0.0));
            // The first round's answers are the book's.
            let primes: Vec<&str> = outcome.tables[0]
                .rows
                .iter()
                .filter(|r| r[2] == "prime")
                .map(|r| r[1].as_str())
                .collect();
            assert_eq!(primes, ["2", "101", "193", "1,327", "433,785,907"]);
        }
    }
}

#[test]
fn the_work_queue_factors_each_number_once() {
    let outcome = run_quick(&CHAPTER, "shutdown", "work-queue");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let mut rows: Vec<(String, String)> = outcome.tables[0]
        .rows
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    rows.sort();
    let expected: Vec<(String, String)> = [
        ("1", "1"),
        ("10", "1, 2, 5, 10"),
        ("3", "1, 3"),
        ("4", "1, 2, 4"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .to_vec();
    assert_eq!(rows, expected);
}

#[test]
fn a_bounded_queue_holds_the_producers_back() {
    let settings = backpressure::Settings {
        capacity: Some(4),
        producers: 3,
        per_producer: 30,
        consumer_delay: Duration::from_micros(200),
    };
    let p = backpressure::measure(settings, DEADLINE).expect("finishes");
    assert!(p.delivered(), "{p:?}");
    assert!(p.high_water <= 4, "{p:?}");
    // The consumer's sleeps guarantee this lower bound: (90 - 4 - 3) x 200 µs.
    assert_eq!(settings.held_back_bound(), Duration::from_micros(83 * 200));
    assert!(p.held_back(), "{p:?}");
}

#[test]
fn the_held_back_check_can_fail() {
    // Producers done at once, as an unbounded queue lets them be: not held back by 8 slots.
    let settings = backpressure::Settings {
        capacity: Some(8),
        producers: 2,
        per_producer: 100,
        consumer_delay: Duration::from_millis(1),
    };
    let p = backpressure::Pressure {
        settings,
        high_water: 8,
        waited: Duration::ZERO,
        producers_done: Duration::from_millis(1),
        total: Duration::from_millis(200),
        received: 200,
        exactly_once: true,
    };
    assert!(p.delivered());
    assert!(!p.held_back(), "{p:?}");
    let unbounded = backpressure::Settings {
        capacity: None,
        ..settings
    };
    assert_eq!(unbounded.held_back_bound(), Duration::ZERO);
}

#[test]
fn both_backpressure_variants_show_their_lesson() {
    let bounded = run_quick(&CHAPTER, "backpressure", "bounded");
    assert_eq!(bounded.verdict, Verdict::Showed, "{bounded:#?}");
    assert!(bounded.get("queue high-water mark").expect("hw") <= 8.0);
    let unbounded = run_quick(&CHAPTER, "backpressure", "unbounded");
    assert_eq!(unbounded.verdict, Verdict::Showed, "{unbounded:#?}");
    assert!(unbounded.get("queue high-water mark").expect("hw") > 8.0);
    assert_eq!(unbounded.get("messages received"), Some(200.0));
}

#[test]
fn length_prefixed_messages_cross_processes_exactly_once() {
    for seed in [1, 2, 42, 7_777] {
        for messages in [0, 1, 3_000] {
            let t = across_processes::transfer(Framing::LengthPrefixed, messages, seed, DEADLINE)
                .expect("fork, pipe and waitpid work");
            assert!(t.exactly_once(), "seed {seed}, {messages} messages: {t:?}");
            assert_eq!(t.child_exit, Some(0));
        }
    }
}

#[test]
fn unframed_reads_lose_the_message_boundaries() {
    let t = across_processes::transfer(Framing::Unframed, 2_000, 42, DEADLINE).expect("transfers");
    // Every byte arrives; the messages do not.
    let stream = across_processes::encode(Framing::Unframed, 2_000, 42);
    assert_eq!(t.bytes, stream.len() as u64);
    assert_eq!(t.sent_bytes, t.bytes);
    assert!(!t.exactly_once(), "{t:?}");
    let outcome = run_quick(&CHAPTER, "across-processes", "unframed");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
}

#[test]
fn the_book_tasks_are_numbered_uniquely() {
    let t = tasks::book_tasks(3);
    assert_eq!(t.len(), 30);
    assert!(t.iter().enumerate().all(|(i, task)| task.id == i));
    assert_eq!(t[10].number, 2);
}

#[tokio::test(start_paused = true)]
async fn the_async_bounded_channel_pushes_back() {
    let settings = async_pipeline::Settings {
        capacity: Some(4),
        producers: 2,
        per_producer: 50,
        consumer_delay: Duration::from_millis(1),
    };
    let p = async_pipeline::pipeline(settings).await;
    assert!(p.exactly_once && p.received == 100, "{p:?}");
    assert!(p.high_water <= 4, "{p:?}");
    // The producers cannot finish before the consumer has taken all but the last few messages,
    // each after a 1 ms sleep (on the paused clock, which only the sleeps move).
    assert_eq!(
        settings.held_back_bound(),
        Duration::from_millis(100 - 4 - 2)
    );
    assert!(p.held_back(), "{p:?}");
    assert!(p.waited > Duration::ZERO, "{p:?}");
}

#[tokio::test(start_paused = true)]
async fn the_async_unbounded_channel_queues_everything() {
    let settings = async_pipeline::Settings {
        capacity: None,
        producers: 2,
        per_producer: 50,
        consumer_delay: Duration::from_millis(1),
    };
    let p = async_pipeline::pipeline(settings).await;
    assert!(p.exactly_once && p.received == 100, "{p:?}");
    // On the paused clock the consumer's first sleep cannot end while the producers can still
    // run, so they queue everything but the message the consumer already took.
    assert!(p.high_water >= 99, "{p:?}");
    assert_eq!(p.waited, Duration::ZERO, "{p:?}");
}

#[test]
fn both_async_variants_show_their_lesson() {
    for variant in ["bounded", "unbounded"] {
        let outcome = run_quick(&CHAPTER, "async", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
        assert_eq!(outcome.get("messages received"), Some(200.0));
    }
}

#[test]
fn a_stalled_pipeline_is_reported_not_waited_for() {
    // No consumer: the producer blocks on a full buffer for ever. The watchdog must end the run,
    // say why, and close the buffer so the producer returns.
    let buffer = Arc::new(BoundedBuffer::new(1));
    let shape = Shape {
        producers: 1,
        consumers: 0,
    };
    let run = watched_buffer_pipeline(&buffer, shape, 10, Take::While, DEADLINE);
    let why = run.unfinished.expect("the watchdog ended the run");
    assert!(why.contains("stall"), "{why}");
    assert!(why.contains("producer 0: blocked"), "{why}");
    assert!(
        buffer.put(0).is_err(),
        "the buffer was closed to release the producer"
    );
}

#[test]
fn a_backpressure_run_past_its_deadline_is_ended() {
    // The consumer's sleeps alone take 2 s; the deadline is 50 ms.
    let settings = backpressure::Settings {
        capacity: Some(8),
        producers: 2,
        per_producer: 1_000,
        consumer_delay: Duration::from_millis(1),
    };
    let why = backpressure::measure(settings, Duration::from_millis(50)).expect_err("overran");
    assert!(why.contains("deadline"), "{why}");
}

#[test]
fn a_transfer_past_its_deadline_kills_and_reaps_the_child() {
    // No time at all: the reader gives up at once; the child, blocked on a full pipe (531 KiB
    // into 64 KiB), either gets EPIPE when the read end closes and exits 1, or is killed.
    let t = across_processes::transfer(Framing::LengthPrefixed, 2_000, 42, Duration::ZERO)
        .expect("fork, pipe and waitpid work");
    assert!(t.timed_out, "{t:?}");
    assert!(!t.exactly_once(), "{t:?}");
    assert!(t.child_killed || t.child_exit == Some(1), "{t:?}");
}
