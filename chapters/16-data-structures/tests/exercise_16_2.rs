//! Grading suite of exercise 16.2 (`Published<T>`), run by `cargo xtask exercise check 16.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_published.rs`. Two passes: real threads under a watchdog (a
//! deadlock or a panic fails fast with a reason), and, with `--features shuttle`, the model
//! checker across many schedules.

#![cfg(not(loom))]

use std::sync::Arc;

use chapter_16::published::Published;

/// Two fields that every published version keeps adding up to 100: a writer moves one unit from
/// `a` to `b` in two steps, so a reader that could see a half-done update would see 99.
#[derive(Debug, Clone, PartialEq)]
struct Pair {
    a: u64,
    b: u64,
}

fn move_one(pair: &mut Pair, between: impl FnOnce()) {
    pair.a -= 1;
    between(); // a writer changing a shared value in place would expose a + b = 99 here
    pair.b += 1;
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing;
    use std::time::Duration;

    fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched("grader", Duration::from_secs(30), body)
    }

    #[test]
    fn a_snapshot_does_not_change_and_a_new_load_sees_the_update() {
        watched(|| {
            let published = Published::new(Pair { a: 100, b: 0 });
            let before = published.load();
            published.update(|p| move_one(p, || {}));
            assert_eq!(*before, Pair { a: 100, b: 0 }, "the old snapshot changed");
            assert_eq!(*published.load(), Pair { a: 99, b: 1 });
        });
    }

    #[test]
    fn readers_never_see_half_an_update_and_no_update_is_lost() {
        const WRITERS: u64 = 2;
        const EACH: u64 = 40;
        watched(|| {
            let published = Arc::new(Published::new(Pair { a: 100, b: 0 }));
            let writers: Vec<_> = (0..WRITERS)
                .map(|_| {
                    let published = Arc::clone(&published);
                    std::thread::spawn(move || {
                        for _ in 0..EACH {
                            published.update(|p| move_one(p, std::thread::yield_now));
                        }
                    })
                })
                .collect();
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    let published = Arc::clone(&published);
                    std::thread::spawn(move || {
                        for _ in 0..2_000 {
                            let snapshot = published.load();
                            let a = snapshot.a;
                            std::thread::yield_now(); // a pause mid-read: the snapshot holds
                            assert_eq!(a + snapshot.b, 100, "a torn read: {snapshot:?}");
                        }
                    })
                })
                .collect();
            for t in writers.into_iter().chain(readers) {
                t.join().expect("no thread panicked");
            }
            assert_eq!(published.load().b, WRITERS * EACH, "an update was lost");
        });
    }

    #[test]
    fn the_snapshot_read_example_runs_this_code_without_a_key_error() {
        let example = chapter_16::CHAPTER
            .example("snapshot-read")
            .expect("exists");
        let config = common::RunConfig::quick(example, "arc-mutex").with_threads(2);
        let outcome =
            watched(move || (example.run)(&config).map_err(|e| e.to_string())).expect("runs");
        assert_eq!(
            outcome.get("KeyErrors under load"),
            Some(0.0),
            "{outcome:#?}"
        );
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named, thread};

    #[test]
    fn no_schedule_tears_a_read_or_loses_an_update() {
        model_check(|| {
            let published = Arc::new(Published::new(Pair { a: 100, b: 0 }));
            let writers: Vec<_> = (0..2)
                .map(|i| {
                    let published = Arc::clone(&published);
                    spawn_named(format!("writer {i}"), move || {
                        published.update(|p| move_one(p, thread::yield_now));
                    })
                })
                .collect();
            let reader = {
                let published = Arc::clone(&published);
                spawn_named("reader", move || {
                    for _ in 0..2 {
                        let snapshot = published.load();
                        let a = snapshot.a;
                        thread::yield_now();
                        assert_eq!(a + snapshot.b, 100, "a torn read");
                    }
                })
            };
            for t in writers.into_iter().chain([reader]) {
                t.join().expect("no thread panicked");
            }
            assert_eq!(published.load().b, 2, "an update was lost");
        });
    }
}
