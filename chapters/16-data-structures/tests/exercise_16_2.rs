//! Grading suite of exercise 16.2 (`Published<T>`), run by `cargo xtask exercise check 16.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_published.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a deadlock or a
//! panic fails in seconds with a reason), and, with `--cfg shuttle`, the model checker
//! across many schedules.
//!
//! What is checked, as the task states it: a snapshot never changes and a load after an update
//! sees it; `load` hands out the published `Arc` itself, not a copy of the value; readers never
//! see half an update and no writer's update is lost; and `snapshot-read --variant arc-mutex`,
//! which runs the graded module, counts no KeyError.

#![cfg(not(loom))]

/// The tests, against the `Published` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::Published;

        /// Two fields that every published version keeps adding up to 100: a writer moves one
        /// unit from `a` to `b` in two steps, so a reader that could see a half-done update
        /// would see 99.
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

        /// Said when `b` ends short of the updates made.
        fn lost(b: u64, updates: u64) -> String {
            format!(
                "{} of {updates} updates lost: two writers copied the same version and the \
                 second one's publish overwrote the first one's change — hold the lock from \
                 the copy to the store",
                updates - b
            )
        }

        /// The first checks, one thread: what a snapshot is, and that `load` does not copy.
        fn snapshots_and_publishing() {
            let published = Published::new(Pair { a: 100, b: 0 });
            assert!(
                Arc::ptr_eq(&published.load(), &published.load()),
                "two loads with no update between them returned two different `Arc`s: `load` \
                 copied the value (the book's copy on every read) — return a clone of the \
                 published `Arc` itself, readers must not pay for a copy"
            );
            let before = published.load();
            published.update(|p| move_one(p, || {}));
            assert_eq!(*before, Pair { a: 100, b: 0 }, "the old snapshot changed");
            assert_eq!(
                *published.load(),
                Pair { a: 99, b: 1 },
                "a load after `update` must see its change: publish the changed copy as the \
                 new `Arc`"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing;
            use std::time::Duration;

            /// What a hang means here.
            const HANG: &str = "a thread never returned: `update` waits for a lock it already \
                                holds? (calling `self.load()` while holding the guard locks \
                                the same mutex twice)";

            fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
                testing::watched_with_hint("grader", Duration::from_secs(10), HANG, body)
            }

            #[test]
            fn a_snapshot_does_not_change_and_a_new_load_sees_the_update() {
                watched(snapshots_and_publishing);
            }

            #[test]
            fn readers_never_see_half_an_update_and_no_update_is_lost() {
                const WRITERS: u64 = 2;
                const EACH: u64 = 40;
                let b = watched(|| {
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
                                    std::thread::yield_now(); // a pause mid-read: it holds
                                    assert_eq!(a + snapshot.b, 100, "a torn read: {snapshot:?}");
                                }
                            })
                        })
                        .collect();
                    for t in writers.into_iter().chain(readers) {
                        t.join().expect("no thread panicked");
                    }
                    published.load().b
                });
                assert!(b == WRITERS * EACH, "{}", lost(b, WRITERS * EACH));
            }

        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, model_check_bounded, spawn_named, thread};

            /// One thread at a time: the random scheduler, since PCT refuses a test with no
            /// choice of thread to make.
            #[test]
            fn a_snapshot_does_not_change_and_a_new_load_sees_the_update() {
                model_check_bounded(
                    || {
                        spawn_named("grader", snapshots_and_publishing)
                            .join()
                            .expect("the checks passed");
                    },
                    1_000,
                );
            }

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
                    let b = published.load().b;
                    assert!(b == 2, "{}", lost(b, 2));
                });
            }
        }
    };
}

/// The learner's `Published` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_16::published);

    /// The chapter's example runs the graded module only (not a mutant), so this test lives
    /// here rather than in `suite!`.
    #[cfg(not(shuttle))]
    #[test]
    fn the_snapshot_read_example_runs_this_code_without_a_key_error() {
        let example = chapter_16::CHAPTER
            .example("snapshot-read")
            .expect("exists");
        let config = common::RunConfig::quick(example, "arc-mutex").with_threads(2);
        let outcome = common::testing::watched(
            "snapshot-read",
            std::time::Duration::from_secs(10),
            move || (example.run)(&config).map_err(|e| e.to_string()),
        )
        .expect("runs");
        assert_eq!(
            outcome.get("KeyErrors under load"),
            Some(0.0),
            "{outcome:#?}"
        );
    }
}

#[cfg(mutants)]
mod e2_copy_outside_the_lock {
    suite!(chapter_16::mutants::e2_copy_outside_the_lock);
}

#[cfg(mutants)]
mod e2_change_not_published {
    suite!(chapter_16::mutants::e2_change_not_published);
}

#[cfg(mutants)]
mod e2_load_under_the_guard {
    suite!(chapter_16::mutants::e2_load_under_the_guard);
}

#[cfg(mutants)]
mod e2_copy_on_read {
    suite!(chapter_16::mutants::e2_copy_on_read);
}
