//! Grading suite of exercise 13.1 (the fair readers-writers turnstile), run by `cargo xtask
//! exercise check 13.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_fair_rwlock.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it. On real threads under a watchdog (a hang fails fast
//! and names who waits): one thread gets through read, write, read; two readers are inside the
//! read lock *at once* (each waits inside until the other is in: a lock that lets one reader in
//! at a time is a mutex, not a readers-writers lock); a scripted scene, step by step — two
//! readers inside, a writer waits, a later reader must queue behind the writer, the writer must
//! wait for the *last* reader out, then go in before the later reader; and 3 readers and 2
//! writers all make progress. Under shuttle (`--cfg shuttle`): exclusion and no deadlock in
//! every schedule, some schedule has two readers inside at once, and a waiting writer (or reader)
//! is never overtaken by more than a few others.

/// The tests, against the `FairRwLock` of the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::FairRwLock;
        use chapter_13::readers_writers::{Role, Room, RwAccess, access};

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use crate::scene::{Scene, Step};
            use chapter_13::readers_writers::{READERS, WRITERS, measure};
            use common::testing::{assert_finished, watched_with_hint};
            use common::watchdog::{Ending, Watchdog, WorkerCtx, WorkerResult, worker};
            use std::sync::{Condvar, Mutex, PoisonError};
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
                    "one thread alone did not get through read, write, read: a deadlock or a lost \
                     release (does every acquire of `resource` have its release?)\n{}",
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

            /// Two readers, each waiting inside the read lock until the other is inside too: a
            /// lock that lets only one reader in at a time stalls them, and the watchdog says so.
            #[test]
            fn two_readers_hold_the_read_lock_at_once() {
                let lock = Arc::new(FairRwLock::default());
                let inside = Arc::new((Mutex::new(0_usize), Condvar::new()));
                let workers = (0..2)
                    .map(|i| {
                        let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                        worker(format!("reader {i}"), move |ctx: &WorkerCtx| {
                            let mut met = false;
                            lock.read(&mut || {
                                let (count, changed) = &*inside;
                                let mut n = count.lock().unwrap_or_else(PoisonError::into_inner);
                                *n += 1;
                                changed.notify_all();
                                // The timeout only lets the stop flag be seen once the watchdog fires.
                                while *n < 2 && !ctx.should_stop() {
                                    n = changed
                                        .wait_timeout(n, Duration::from_millis(10))
                                        .unwrap_or_else(PoisonError::into_inner)
                                        .0;
                                }
                                met = *n >= 2;
                            });
                            ctx.progress();
                            met
                        })
                    })
                    .collect();
                let report = Watchdog::new(Duration::from_secs(10))
                    .stall_after(Duration::from_secs(2))
                    .grace(Duration::from_secs(1))
                    .run(workers);
                assert_finished(
                    &report,
                    "two readers could not hold the read lock at once: the first reader waited \
                     inside for the second, who never got in (does a reader keep a lock that \
                     other readers need for the whole of its read?)",
                );
            }

            /// The scripted scene of [`Scene::play`]: the turnstile's promises, one step at a time.
            #[test]
            fn a_waiting_writer_holds_later_readers_back_and_waits_for_the_last_reader() {
                let hint = "in the scene, readers A and B read, writer W waits for them, reader C \
                            comes after W (a scene that hangs: a lost release or wake-up?)";
                let steps = watched_with_hint("the scene", Duration::from_secs(8), hint, || {
                    Scene::play(Arc::new(FairRwLock::default()))
                });
                assert_eq!(steps, Step::IN_ORDER, "the scene's steps out of order");
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
                assert!(!m.starved(Role::Writer), "the writers starved: {:?}", m.rows);
                assert!(!m.starved(Role::Reader), "the readers starved: {:?}", m.rows);
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
            use common::sync::{model_check, spawn_named};

            const BOUND: u64 = 6;

            fn fair_scheduler(body: impl Fn() + Send + Sync + 'static) {
                let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(
                    131,
                    common::sync::iterations(),
                );
                shuttle::Runner::new(scheduler, shuttle::Config::new()).run(body);
            }

            /// Three readers read until the writer has written (at most 20 times each); the
            /// writer's overtaking is returned.
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

            /// Reachability, gathered over every schedule explored: two readers that yield while
            /// inside must, in some schedule, be inside at once.
            #[test]
            fn some_schedule_has_two_readers_inside_at_once() {
                static BOTH_INSIDE: std::sync::atomic::AtomicBool =
                    std::sync::atomic::AtomicBool::new(false);
                model_check(|| {
                    let lock = Arc::new(FairRwLock::default());
                    let inside = Arc::new(AtomicUsize::new(0));
                    let readers: Vec<_> = (0..2)
                        .map(|i| {
                            let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                            spawn_named(format!("reader {i}"), move || {
                                lock.read(&mut || {
                                    if inside.fetch_add(1, Ordering::SeqCst) == 1 {
                                        BOTH_INSIDE.store(true, std::sync::atomic::Ordering::SeqCst);
                                    }
                                    common::sync::thread::yield_now();
                                    inside.fetch_sub(1, Ordering::SeqCst);
                                });
                            })
                        })
                        .collect();
                    for r in readers {
                        r.join().expect("no reader panicked");
                    }
                });
                assert!(
                    BOTH_INSIDE.load(std::sync::atomic::Ordering::SeqCst),
                    "two readers could not hold the read lock at once in any schedule explored \
                     (a lock that lets one reader in at a time is a mutex)"
                );
            }

            #[test]
            fn a_waiting_writer_is_overtaken_a_bounded_number_of_times() {
                fair_scheduler(|| {
                    let overtaken = writer_among_readers();
                    assert!(
                        overtaken <= BOUND,
                        "writer overtaken {overtaken} times while waiting (bound {BOUND}): readers \
                         slip past a waiting writer"
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
                        "reader overtaken {overtaken} times while waiting (bound {BOUND}): writers \
                         slip past a waiting reader"
                    );
                });
            }
        }
    };
}

/// The scripted scene on real threads, whatever lock plays it: each step waits until the thread
/// it started has either gone in or is asleep in the lock (its state in `/proc` is `S`), so the
/// verdict is an order of events, never a timing.
#[cfg(not(shuttle))]
mod scene {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
    use std::thread::JoinHandle;

    use chapter_13::readers_writers::RwAccess;

    /// What happened, in the order the scene expects it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Step {
        AIn,
        BIn,
        AOut,
        BOut,
        WIn,
        WOut,
        CIn,
        COut,
    }

    impl Step {
        /// Readers A and B inside; writer W waits for both to leave; reader C, who came after W,
        /// goes in after W.
        pub const IN_ORDER: [Step; 8] = [
            Step::AIn,
            Step::BIn,
            Step::AOut,
            Step::BOut,
            Step::WIn,
            Step::WOut,
            Step::CIn,
            Step::COut,
        ];
    }

    /// A door the test opens to let a reader out.
    #[derive(Default)]
    struct Gate {
        open: Mutex<bool>,
        opened: Condvar,
    }

    impl Gate {
        fn open(&self) {
            *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.opened.notify_all();
        }

        fn pass(&self) {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            while !*open {
                open = self
                    .opened
                    .wait(open)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }

    /// The shared record: the steps so far, and who is inside.
    #[derive(Default)]
    pub struct Scene {
        steps: Mutex<Vec<Step>>,
        readers_inside: AtomicUsize,
        writers_inside: AtomicUsize,
    }

    impl Scene {
        fn record(&self, step: Step) {
            self.steps
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(step);
        }

        fn happened(&self, step: Step) -> bool {
            self.steps
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&step)
        }

        fn steps(&self) -> Vec<Step> {
            self.steps
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        }

        /// Plays the scene on `lock` and returns the steps as they happened; panics with the
        /// fault at the first step that goes wrong.
        pub fn play(lock: Arc<dyn RwAccess>) -> Vec<Step> {
            let scene = Arc::new(Scene::default());
            let gate_a = Arc::new(Gate::default());
            let gate_b = Arc::new(Gate::default());

            let a = Actor::reader(&lock, &scene, (Step::AIn, Step::AOut), Some(&gate_a));
            scene.until_in_or_asleep(&a, Step::AIn, "reader A, alone, did not get in");

            let b = Actor::reader(&lock, &scene, (Step::BIn, Step::BOut), Some(&gate_b));
            if !scene.until_in_or_asleep(&b, Step::BIn, "") {
                panic!(
                    "two readers could not hold the read lock at once: reader B waits while \
                     reader A reads (a reader must not keep other readers out)"
                );
            }

            let w = Actor::writer(&lock, &scene);
            if scene.until_in_or_asleep(&w, Step::WIn, "") {
                panic!("a writer went in while two readers were inside");
            }

            let c = Actor::reader(&lock, &scene, (Step::CIn, Step::COut), None);
            if scene.until_in_or_asleep(&c, Step::CIn, "") {
                panic!(
                    "a reader went in past a waiting writer: reader C came after writer W and \
                     read before it (readers that come after a waiting writer must queue behind \
                     it; does the writer hold the turnstile while it waits for `resource`?)"
                );
            }

            gate_a.open();
            a.join();
            if scene.until_in_or_asleep(&w, Step::WIn, "") {
                panic!(
                    "a writer went in while a reader was still inside: reader A left, reader B \
                     was still reading, and writer W went in (only the last reader out may let \
                     the writers in)"
                );
            }
            assert!(
                !scene.happened(Step::CIn),
                "a reader went in past a waiting writer: reader C read before writer W"
            );

            gate_b.open();
            b.join();
            w.join();
            c.join();
            scene.steps()
        }

        /// Waits until `actor` has recorded `step` (true) or sleeps in the lock without having
        /// recorded it (false). `alone` is the message when it must not wait at all.
        fn until_in_or_asleep(&self, actor: &Actor, step: Step, alone: &str) -> bool {
            loop {
                // Read the state first: a thread asleep after recording `step` has recorded it.
                let asleep = actor.asleep();
                if self.happened(step) {
                    return true;
                }
                if asleep || actor.handle.is_finished() {
                    assert!(alone.is_empty(), "{alone}");
                    return false;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }

    /// One thread of the scene, and where the kernel reports its state.
    struct Actor {
        handle: JoinHandle<()>,
        stat: PathBuf,
    }

    impl Actor {
        fn spawn(body: impl FnOnce() + Send + 'static) -> Self {
            let (tx, rx) = mpsc::channel();
            let handle = std::thread::spawn(move || {
                let link = std::fs::read_link("/proc/thread-self").expect("Linux has /proc");
                tx.send(PathBuf::from("/proc").join(link).join("stat"))
                    .expect("the scene waits for it");
                body();
            });
            let stat = rx.recv().expect("the actor started");
            Self { handle, stat }
        }

        fn reader(
            lock: &Arc<dyn RwAccess>,
            scene: &Arc<Scene>,
            (enter, leave): (Step, Step),
            gate: Option<&Arc<Gate>>,
        ) -> Self {
            let (lock, scene, gate) = (Arc::clone(lock), Arc::clone(scene), gate.cloned());
            Self::spawn(move || {
                lock.read(&mut || {
                    scene.readers_inside.fetch_add(1, Ordering::SeqCst);
                    let writers = scene.writers_inside.load(Ordering::SeqCst);
                    assert_eq!(writers, 0, "a reader met a writer inside");
                    scene.record(enter);
                    if let Some(gate) = &gate {
                        gate.pass();
                    }
                    scene.record(leave);
                    scene.readers_inside.fetch_sub(1, Ordering::SeqCst);
                });
            })
        }

        fn writer(lock: &Arc<dyn RwAccess>, scene: &Arc<Scene>) -> Self {
            let (lock, scene) = (Arc::clone(lock), Arc::clone(scene));
            Self::spawn(move || {
                lock.write(&mut || {
                    scene.writers_inside.fetch_add(1, Ordering::SeqCst);
                    scene.record(Step::WIn);
                    scene.record(Step::WOut);
                    scene.writers_inside.fetch_sub(1, Ordering::SeqCst);
                });
            })
        }

        /// Whether the thread sleeps (blocked on a lock or a condition variable).
        fn asleep(&self) -> bool {
            let Ok(stat) = std::fs::read_to_string(&self.stat) else {
                return false; // it has exited
            };
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            state == Some("S")
        }

        fn join(self) {
            if let Err(payload) = self.handle.join() {
                std::panic::resume_unwind(payload);
            }
        }
    }
}

/// The learner's lock (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_13::fair_rwlock);
}

#[cfg(mutants)]
mod e1_fifo_mutex {
    suite!(chapter_13::mutants::e1_fifo_mutex);
}

#[cfg(mutants)]
mod e1_turnstile_released_early {
    suite!(chapter_13::mutants::e1_turnstile_released_early);
}

#[cfg(mutants)]
mod e1_every_reader_releases {
    suite!(chapter_13::mutants::e1_every_reader_releases);
}

#[cfg(mutants)]
mod e1_turn_held_while_reading {
    suite!(chapter_13::mutants::e1_turn_held_while_reading);
}

#[cfg(mutants)]
mod e1_no_release_after_write {
    suite!(chapter_13::mutants::e1_no_release_after_write);
}
