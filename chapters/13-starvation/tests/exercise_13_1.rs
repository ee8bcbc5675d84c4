//! Grading suite of exercise 13.1 (the fair readers-writers turnstile), run by `cargo xtask
//! exercise check 13.1`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e1_fair_rwlock.rs`. On real threads under a watchdog (a deadlock fails fast with
//! the blocked threads named): exclusion, and every one of 3 readers and 2 writers gets in. Under
//! shuttle (`--features shuttle`): exclusion and no deadlock in every schedule, and a waiting
//! writer (or reader) is never overtaken by more than a few others.

use std::sync::Arc;

use chapter_13::fair_rwlock::FairRwLock;
use chapter_13::readers_writers::{Role, Room, access};

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use chapter_13::readers_writers::{READERS, WRITERS, measure};
    use common::watchdog::{Ending, Watchdog, WorkerCtx, WorkerResult, worker};
    use std::time::Duration;

    #[test]
    fn one_reader_then_one_writer_on_one_thread() {
        // Under the watchdog: a lock that never lets its one thread in fails fast, not hangs.
        let report = Watchdog::new(Duration::from_secs(5))
            .stall_after(Duration::from_secs(2))
            .grace(Duration::from_millis(200))
            .run(vec![worker("alone", |ctx: &WorkerCtx| {
                let lock = FairRwLock::default();
                let room = Room::default();
                access(&lock, &room, Role::Reader, 0);
                ctx.progress();
                access(&lock, &room, Role::Writer, 0);
                ctx.progress();
                access(&lock, &room, Role::Reader, 0);
                ctx.progress();
                (room.writes(), room.entries())
            })]);
        assert!(report.panics().is_empty(), "{:?}", report.panics());
        assert_eq!(
            report.ending,
            Ending::Finished,
            "one thread alone did not get through read, write, read: a deadlock or a lost wake-up?\n{}",
            report.thread_lines().join("\n")
        );
        match &report.threads[0].result {
            WorkerResult::Finished((writes, entries)) => {
                assert_eq!(*writes, 1, "one write");
                assert_eq!(*entries, 3, "three accesses");
            }
            other => panic!("the thread did not finish: {other:?}"),
        }
    }

    #[test]
    fn three_readers_and_two_writers_all_get_in() {
        let m = measure(
            Arc::new(FairRwLock::default()),
            READERS,
            WRITERS,
            Duration::from_millis(500),
            13,
        );
        assert!(m.panics.is_empty(), "{:?}", m.panics);
        assert_eq!(
            m.ending,
            common::watchdog::Ending::DeadlineReached,
            "the threads stopped making progress: a deadlock or a lost wake-up? {:?}",
            m.rows
        );
        for row in &m.rows {
            assert!(
                row.tally.accesses > 0,
                "{} never got in: {:?}",
                row.name,
                m.rows
            );
        }
        assert!(
            !m.starved(Role::Writer),
            "the writers starved: {:?}",
            m.rows
        );
        assert!(
            !m.starved(Role::Reader),
            "the readers starved: {:?}",
            m.rows
        );
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::atomic::{AtomicBool, Ordering};
    use common::sync::{model_check, spawn_named};

    const BOUND: u64 = 6;

    fn fair_scheduler(body: impl Fn() + Send + Sync + 'static) {
        let scheduler =
            shuttle::scheduler::RandomScheduler::new_from_seed(131, common::sync::iterations());
        shuttle::Runner::new(scheduler, shuttle::Config::new()).run(body);
    }

    /// Three readers read until the writer has written (at most 20 times each); the writer's
    /// overtaking is returned.
    fn writer_among_readers() -> u64 {
        let lock = Arc::new(FairRwLock::default());
        let room = Arc::new(Room::default());
        let readers: Vec<_> = (0..3)
            .map(|i| {
                let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
                spawn_named(format!("reader {i}"), move || {
                    for _ in 0..20 {
                        if room.writes() > 0 {
                            break;
                        }
                        access(lock.as_ref(), &room, Role::Reader, 0);
                    }
                })
            })
            .collect();
        let overtaken = access(lock.as_ref(), &room, Role::Writer, 0).overtaken;
        for r in readers {
            r.join().expect("no reader panicked");
        }
        overtaken
    }

    #[test]
    fn no_schedule_breaks_exclusion_or_deadlocks() {
        model_check(|| {
            let lock = Arc::new(FairRwLock::default());
            let room = Arc::new(Room::default());
            let threads: Vec<_> = [Role::Reader, Role::Reader, Role::Writer, Role::Writer]
                .into_iter()
                .enumerate()
                .map(|(i, role)| {
                    let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
                    spawn_named(format!("{role:?} {i}"), move || {
                        for _ in 0..2 {
                            access(lock.as_ref(), &room, role, 0);
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("no thread panicked");
            }
            assert_eq!(room.writes(), 4);
        });
    }

    #[test]
    fn a_waiting_writer_is_overtaken_a_bounded_number_of_times() {
        fair_scheduler(|| {
            let overtaken = writer_among_readers();
            assert!(
                overtaken <= BOUND,
                "writer overtaken {overtaken} times while waiting (bound {BOUND}): readers slip past a waiting writer"
            );
        });
    }

    #[test]
    fn a_waiting_reader_is_overtaken_a_bounded_number_of_times() {
        fair_scheduler(|| {
            let lock = Arc::new(FairRwLock::default());
            let room = Arc::new(Room::default());
            let read_done = Arc::new(AtomicBool::new(false));
            let writers: Vec<_> = (0..2)
                .map(|i| {
                    let (lock, room, done) =
                        (Arc::clone(&lock), Arc::clone(&room), Arc::clone(&read_done));
                    spawn_named(format!("writer {i}"), move || {
                        for _ in 0..20 {
                            if done.load(Ordering::SeqCst) {
                                break;
                            }
                            access(lock.as_ref(), &room, Role::Writer, 0);
                        }
                    })
                })
                .collect();
            let overtaken = access(lock.as_ref(), &room, Role::Reader, 0).overtaken;
            read_done.store(true, Ordering::SeqCst);
            for w in writers {
                w.join().expect("no writer panicked");
            }
            assert!(
                overtaken <= BOUND,
                "reader overtaken {overtaken} times while waiting (bound {BOUND}): writers slip past a waiting reader"
            );
        });
    }
}
