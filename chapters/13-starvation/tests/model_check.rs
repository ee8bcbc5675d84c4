//! Model checking with shuttle: the chapter's own locks and scheduler run with shuttle's threads,
//! mutexes and condition variables, across many schedules.
//!
//! Starvation is about *who waits how long*, so the checks count, for one waiting thread, how many
//! accesses by others began between its request and its turn ("overtaken"). The lock checks use
//! shuttle's random scheduler with a fixed seed: it picks every runnable thread with equal
//! chance, so it is fair in the long run and an unbounded overtaking it finds comes from the
//! lock. (PCT, shuttle's other scheduler, starves low-priority threads on purpose: under it every
//! lock would look unfair.) The checker must *find* the starvation in `readers-first`,
//! `writers-first`, the barging semaphore and the strict scheduler, and find none in the fair
//! turnstile, the ticket lock and aging; every run also checks mutual exclusion and deadlock.
//!
//! Run with `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test -p chapter-13 --test model_check`.
//! `SHUTTLE_ITERATIONS` sets how many schedules each test explores.

#![cfg(shuttle)]

use std::sync::Arc;

use chapter_13::fair_rwlock::FairRwLock;
use chapter_13::greedy_lock::{ExclusiveLock, acquire_once};
use chapter_13::primitives::{Semaphore, TicketLock};
use chapter_13::priority_scheduling::{Policy, Scheduler, aging_bound};
use chapter_13::readers_writers::{ReadersFirst, Role, Room, RwAccess, WritersFirst, access};
use chapter_13::tally::Entries;
use common::sync::atomic::{AtomicBool, Ordering};
use common::sync::{model_check, spawn_named};

/// A waiting thread overtaken more often than this was starved (a FIFO turnstile lets at most
/// the threads queued ahead of it through: 2 or 3 here).
const BOUND: u64 = 6;
/// How many accesses a looping thread makes at most, so every schedule ends.
const MAX_LOOPS: u64 = 20;

/// Runs `body` under shuttle's random scheduler, seeded so the run is the same every time.
fn check_with_fair_scheduler(body: impl Fn() + Send + Sync + 'static) {
    let scheduler =
        shuttle::scheduler::RandomScheduler::new_from_seed(13, common::sync::iterations());
    shuttle::Runner::new(scheduler, shuttle::Config::new()).run(body);
}

/// Three readers read until the writer has written (at most `MAX_LOOPS` times each); returns how
/// many accesses overtook the writer's one write.
fn writer_among_readers(lock: Arc<dyn RwAccess>) -> u64 {
    let room = Arc::new(Room::default());
    let readers: Vec<_> = (0..3)
        .map(|i| {
            let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
            spawn_named(format!("reader {i}"), move || {
                for _ in 0..MAX_LOOPS {
                    if room.writes() > 0 {
                        break;
                    }
                    access(lock.as_ref(), &room, Role::Reader, 0);
                }
            })
        })
        .collect();
    let writer = {
        let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
        spawn_named("writer", move || {
            access(lock.as_ref(), &room, Role::Writer, 0).overtaken
        })
    };
    for r in readers {
        r.join().expect("no reader panicked");
    }
    writer.join().expect("the writer did not panic")
}

/// Two writers write until the reader has read (at most `MAX_LOOPS` times each); returns how
/// many accesses overtook the reader's one read.
fn reader_among_writers(lock: Arc<dyn RwAccess>) -> u64 {
    let room = Arc::new(Room::default());
    let read_done = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|i| {
            let (lock, room, read_done) =
                (Arc::clone(&lock), Arc::clone(&room), Arc::clone(&read_done));
            spawn_named(format!("writer {i}"), move || {
                for _ in 0..MAX_LOOPS {
                    if read_done.load(Ordering::SeqCst) {
                        break;
                    }
                    access(lock.as_ref(), &room, Role::Writer, 0);
                }
            })
        })
        .collect();
    let reader = {
        let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
        spawn_named("reader", move || {
            let overtaken = access(lock.as_ref(), &room, Role::Reader, 0).overtaken;
            read_done.store(true, Ordering::SeqCst);
            overtaken
        })
    };
    for w in writers {
        w.join().expect("no writer panicked");
    }
    reader.join().expect("the reader did not panic")
}

fn assert_writer_not_starved(lock: Arc<dyn RwAccess>) {
    let overtaken = writer_among_readers(lock);
    assert!(
        overtaken <= BOUND,
        "writer overtaken {overtaken} times while waiting (bound {BOUND})"
    );
}

fn assert_reader_not_starved(lock: Arc<dyn RwAccess>) {
    let overtaken = reader_among_writers(lock);
    assert!(
        overtaken <= BOUND,
        "reader overtaken {overtaken} times while waiting (bound {BOUND})"
    );
}

#[test]
#[should_panic(expected = "writer overtaken")]
fn readers_first_starves_the_writer() {
    check_with_fair_scheduler(|| assert_writer_not_starved(Arc::new(ReadersFirst::default())));
}

#[test]
#[should_panic(expected = "reader overtaken")]
fn writers_first_starves_the_reader() {
    check_with_fair_scheduler(|| assert_reader_not_starved(Arc::new(WritersFirst::default())));
}

#[test]
fn the_fair_turnstile_bounds_the_writers_wait() {
    check_with_fair_scheduler(|| assert_writer_not_starved(Arc::new(FairRwLock::default())));
}

#[test]
fn the_fair_turnstile_bounds_the_readers_wait() {
    check_with_fair_scheduler(|| assert_reader_not_starved(Arc::new(FairRwLock::default())));
}

#[test]
fn every_book_lock_excludes_and_never_deadlocks_under_pct() {
    // PCT hunts for the rare interleavings: a reader meeting a writer panics in `Room`, and a
    // lost wake-up or a wrong release would show as a deadlock.
    model_check(|| {
        writer_among_readers(Arc::new(ReadersFirst::default()));
        reader_among_writers(Arc::new(WritersFirst::default()));
        writer_among_readers(Arc::new(FairRwLock::default()));
    });
}

/// The greedy thread re-locks until the polite one has had its turn (at most `MAX_LOOPS`
/// times); returns how many acquisitions overtook the polite one.
fn polite_after_greedy(lock: Arc<dyn ExclusiveLock>) -> u64 {
    let entries = Arc::new(Entries::default());
    let done = Arc::new(AtomicBool::new(false));
    let greedy = {
        let (lock, entries, done) = (Arc::clone(&lock), Arc::clone(&entries), Arc::clone(&done));
        spawn_named("greedy", move || {
            for _ in 0..MAX_LOOPS {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                acquire_once(lock.as_ref(), &entries, 0);
            }
        })
    };
    let polite = spawn_named("polite", move || {
        let overtaken = acquire_once(lock.as_ref(), &entries, 0).overtaken;
        done.store(true, Ordering::SeqCst);
        overtaken
    });
    greedy.join().expect("greedy did not panic");
    let overtaken = polite.join().expect("polite did not panic");
    assert!(
        overtaken <= 2,
        "polite thread overtaken {overtaken} times by the greedy one"
    );
    overtaken
}

#[test]
#[should_panic(expected = "polite thread overtaken")]
fn a_barging_semaphore_lets_the_greedy_thread_starve_the_other() {
    check_with_fair_scheduler(|| {
        polite_after_greedy(Arc::new(Semaphore::new(1)));
    });
}

#[test]
fn a_ticket_lock_serves_the_polite_thread_next() {
    check_with_fair_scheduler(|| {
        polite_after_greedy(Arc::new(TicketLock::new()));
    });
}

/// A high-priority producer submits 12 jobs, a low-priority one submits 1, with a backlog of 2
/// each; one worker runs them all. Returns how many jobs overtook the low-priority one.
fn low_job_overtaken(policy: Policy) -> u64 {
    low_job_overtaken_on(Scheduler::new(policy, 2, 2))
}

fn low_job_overtaken_on(scheduler: Scheduler) -> u64 {
    let scheduler = Arc::new(scheduler);
    let high = {
        let s = Arc::clone(&scheduler);
        spawn_named("high", move || {
            for _ in 0..12 {
                s.submit(0, 2).expect("open");
            }
            s.producer_done();
        })
    };
    let low = {
        let s = Arc::clone(&scheduler);
        spawn_named("low", move || {
            s.submit(1, 0).expect("open");
            s.producer_done();
        })
    };
    let worker = spawn_named("worker", move || {
        let mut low_overtaken = None;
        let mut jobs = 0;
        while let Some(d) = scheduler.next() {
            jobs += 1;
            if d.job.producer == 1 {
                low_overtaken = Some(d.waited_ticks);
            }
        }
        assert_eq!(jobs, 13, "every job runs");
        low_overtaken.expect("the low job ran")
    });
    high.join().expect("high did not panic");
    low.join().expect("low did not panic");
    let overtaken = worker.join().expect("the worker did not panic");
    // Capacity 4 (two producers, backlog 2), aging every dispatch, top priority 2.
    let bound = aging_bound(0, 2, 1, 4);
    assert!(
        overtaken <= bound,
        "low-priority job overtaken by {overtaken} jobs (aging bound {bound})"
    );
    overtaken
}

#[test]
#[should_panic(expected = "low-priority job overtaken")]
fn strict_priority_lets_high_jobs_overtake_without_bound() {
    model_check(|| {
        low_job_overtaken(Policy::Strict);
    });
}

#[test]
fn aging_bounds_the_overtaking_in_every_schedule() {
    model_check(|| {
        low_job_overtaken(Policy::Aging { every: 1 });
    });
}

#[test]
fn the_saturated_scheduler_never_deadlocks_and_still_bounds_aging() {
    // The examples' worker waits for a full queue before each dispatch; every producer's exit
    // must release it, in every schedule.
    model_check(|| {
        low_job_overtaken_on(Scheduler::new(Policy::Aging { every: 1 }, 2, 2).saturated());
    });
}
