//! Grading suite of exercise 19.1 (`InstanceGate`, the cap behind `max_instances`), run by
//! `cargo xtask exercise check 19.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_instance_gate.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog, and, with
//! `--cfg shuttle`, the model checker across many schedules.
//!
//! What is checked, as the task states it: exactly `max` are admitted and a `leave` frees a
//! place; never more than `max` runs inside, and `running()` never reads more than `max`, at any
//! moment an observer looks; no run is turned away while a place is free; every place comes back.

#![cfg(not(loom))]

/// The tests, against the gate module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::InstanceGate;
        use common::sync::atomic::{AtomicUsize, Ordering};

        /// Enters if it may, counts itself in, records the most seen inside, counts itself out,
        /// leaves.
        fn visit(gate: &InstanceGate, inside: &AtomicUsize, most: &AtomicUsize) -> bool {
            if !gate.try_enter() {
                return false;
            }
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            common::sync::thread::yield_now();
            inside.fetch_sub(1, Ordering::SeqCst);
            gate.leave();
            true
        }

        /// Reads `running()` once, recording the most it ever read.
        fn observe(gate: &InstanceGate, most_read: &AtomicUsize) {
            most_read.fetch_max(gate.running(), Ordering::SeqCst);
            common::sync::thread::yield_now();
        }

        /// The verdicts on what the runs and the observer saw.
        fn assert_within_the_cap(max: usize, most: usize, most_read: usize) {
            assert!(
                most <= max,
                "{most} runs were in a gate of {max} at once: max_instances is not enforced (two \
                 runs both took the last place, or a race lost an update: checking and taking \
                 must be one atomic step)"
            );
            assert!(
                most_read <= max,
                "running() read {most_read} in a gate of {max}: the count went over the cap, if \
                 only for a moment (a place taken that was not free, or a race lost an update), \
                 and the scheduler logs that count"
            );
        }

        /// Once every run has left, the count must be back at 0.
        fn assert_all_given_back(gate: &InstanceGate) {
            let count = gate.running();
            assert_eq!(
                count, 0,
                "running() is {count} after every run left: a race lost an update, or a place \
                 was not given back"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::sync::atomic::AtomicBool;
            use common::testing::{self, assert_finished};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::time::Duration;

            fn within_a_watchdog<R: Send + 'static>(
                body: impl FnOnce() -> R + Send + 'static,
            ) -> R {
                testing::watched("grader", Duration::from_secs(20), body)
            }

            #[test]
            fn admits_exactly_max_and_frees_a_place_on_leave() {
                within_a_watchdog(|| {
                    let gate = InstanceGate::new(2);
                    assert!(gate.try_enter(), "a gate of 2 refused its first run");
                    assert!(gate.try_enter(), "a gate of 2 refused its second run");
                    assert!(
                        !gate.try_enter(),
                        "a gate of 2 let a third run in: at the cap, try_enter must refuse"
                    );
                    assert_eq!(gate.running(), 2, "two runs inside");
                    gate.leave();
                    assert_eq!(gate.running(), 1, "leave gives a place back");
                    assert!(gate.try_enter(), "the freed place can be taken again");
                    assert!(
                        !InstanceGate::new(0).try_enter(),
                        "a gate of 0 admits nobody"
                    );
                });
            }

            /// Eight threads enter and leave a gate of 3 while an observer reads `running()`.
            #[test]
            fn eight_threads_never_see_more_than_max_inside() {
                const MAX: usize = 3;
                const THREADS: usize = 8;
                let gate = Arc::new(InstanceGate::new(MAX));
                let inside = Arc::new(AtomicUsize::new(0));
                let most = Arc::new(AtomicUsize::new(0));
                let most_read = Arc::new(AtomicUsize::new(0));
                let admitted = Arc::new(AtomicUsize::new(0));
                let done = Arc::new(AtomicUsize::new(0));
                let stop = Arc::new(AtomicBool::new(false));
                let mut workers: Vec<_> = (0..THREADS)
                    .map(|i| {
                        let (gate, inside, most, admitted, done, stop) = (
                            Arc::clone(&gate),
                            Arc::clone(&inside),
                            Arc::clone(&most),
                            Arc::clone(&admitted),
                            Arc::clone(&done),
                            Arc::clone(&stop),
                        );
                        worker(format!("run {i}"), move |ctx: &WorkerCtx| {
                            for _ in 0..2_000 {
                                if visit(&gate, &inside, &most) {
                                    admitted.fetch_add(1, Ordering::SeqCst);
                                }
                                ctx.progress();
                            }
                            if done.fetch_add(1, Ordering::SeqCst) + 1 == THREADS {
                                stop.store(true, Ordering::SeqCst);
                            }
                        })
                    })
                    .collect();
                let (observed, observer_stop, observer_read) =
                    (Arc::clone(&gate), Arc::clone(&stop), Arc::clone(&most_read));
                workers.push(worker("observer", move |ctx: &WorkerCtx| {
                    while !observer_stop.load(Ordering::SeqCst) {
                        observe(&observed, &observer_read);
                        ctx.progress();
                    }
                }));
                let report = Watchdog::new(Duration::from_secs(20))
                    .stall_after(Duration::from_secs(5))
                    .run(workers);
                assert_finished(&report, "");
                assert_within_the_cap(
                    MAX,
                    most.load(Ordering::SeqCst),
                    most_read.load(Ordering::SeqCst),
                );
                assert!(
                    admitted.load(Ordering::SeqCst) > 0,
                    "nobody was ever admitted"
                );
                assert_all_given_back(&gate);
            }

            /// A full gate of 3, four threads knocking all the time, and the test thread reading
            /// `running()` meanwhile: every knock is refused, and the count stays at the cap.
            #[test]
            fn a_full_gate_refuses_and_its_count_stays_at_the_cap() {
                const MAX: usize = 3;
                const KNOCKERS: usize = 4;
                let gate = Arc::new(InstanceGate::new(MAX));
                for i in 0..MAX {
                    assert!(gate.try_enter(), "a gate of {MAX} refused run {} of {MAX}", i + 1);
                }
                let admitted = Arc::new(AtomicUsize::new(0));
                let done = Arc::new(AtomicUsize::new(0));
                let knockers: Vec<_> = (0..KNOCKERS)
                    .map(|_| {
                        let (gate, admitted, done) =
                            (Arc::clone(&gate), Arc::clone(&admitted), Arc::clone(&done));
                        std::thread::spawn(move || {
                            for _ in 0..20_000 {
                                if gate.try_enter() {
                                    admitted.fetch_add(1, Ordering::SeqCst);
                                }
                            }
                            done.fetch_add(1, Ordering::SeqCst);
                        })
                    })
                    .collect();
                let most_read = within_a_watchdog({
                    let (gate, done) = (Arc::clone(&gate), Arc::clone(&done));
                    move || {
                        let most_read = AtomicUsize::new(0);
                        while done.load(Ordering::SeqCst) < KNOCKERS {
                            observe(&gate, &most_read);
                        }
                        most_read.into_inner()
                    }
                });
                for knocker in knockers {
                    knocker.join().expect("a knocking thread panicked");
                }
                let admitted = admitted.load(Ordering::SeqCst);
                assert_eq!(
                    admitted, 0,
                    "a full gate of {MAX} let a run in ({admitted} times): at the cap, try_enter \
                     must refuse"
                );
                assert_within_the_cap(MAX, MAX, most_read);
                assert_eq!(gate.running(), MAX, "refused runs took no place");
            }

            /// Eight threads and a gate of 8: there is always a free place, so no run may be
            /// turned away, however the threads race for it.
            #[test]
            fn a_free_place_is_never_refused() {
                const THREADS: usize = 8;
                let gate = Arc::new(InstanceGate::new(THREADS));
                let refused = Arc::new(AtomicUsize::new(0));
                let workers = (0..THREADS)
                    .map(|i| {
                        let (gate, refused) = (Arc::clone(&gate), Arc::clone(&refused));
                        worker(format!("run {i}"), move |ctx: &WorkerCtx| {
                            for _ in 0..5_000 {
                                if gate.try_enter() {
                                    gate.leave();
                                } else {
                                    refused.fetch_add(1, Ordering::SeqCst);
                                }
                                ctx.progress();
                            }
                        })
                    })
                    .collect();
                let report = Watchdog::new(Duration::from_secs(20))
                    .stall_after(Duration::from_secs(5))
                    .run(workers);
                assert_finished(&report, "");
                let refused = refused.load(Ordering::SeqCst);
                assert_eq!(
                    refused, 0,
                    "a gate of 8 turned away a run while a place was free ({refused} times; at most \
                     8 runs about): try_enter gave up when another run changed the count first, \
                     or a race lost an update"
                );
                assert_all_given_back(&gate);
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, spawn_named};

            #[test]
            fn no_schedule_lets_three_into_a_gate_of_two() {
                model_check(|| {
                    let gate = Arc::new(InstanceGate::new(2));
                    let inside = Arc::new(AtomicUsize::new(0));
                    let most = Arc::new(AtomicUsize::new(0));
                    let most_read = Arc::new(AtomicUsize::new(0));
                    let threads: Vec<_> = (0..3)
                        .map(|i| {
                            let (gate, inside, most) =
                                (Arc::clone(&gate), Arc::clone(&inside), Arc::clone(&most));
                            spawn_named(format!("run {i}"), move || visit(&gate, &inside, &most))
                        })
                        .collect();
                    let observer = {
                        let (gate, most_read) = (Arc::clone(&gate), Arc::clone(&most_read));
                        spawn_named("observer", move || {
                            for _ in 0..4 {
                                observe(&gate, &most_read);
                            }
                        })
                    };
                    let admitted = threads
                        .into_iter()
                        .map(|t| t.join().expect("no run panicked"))
                        .filter(|&entered| entered)
                        .count();
                    observer.join().expect("the observer did not panic");
                    assert_within_the_cap(
                        2,
                        most.load(Ordering::SeqCst),
                        most_read.load(Ordering::SeqCst),
                    );
                    assert!(
                        admitted >= 2,
                        "a gate of 2 turned away a run while a place was free (only {admitted} of \
                         3 got in): try_enter gave up when another run changed the count first, \
                         or a race lost an update"
                    );
                    assert_all_given_back(&gate);
                });
            }
        }
    };
}

/// The learner's gate (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_19::instance_gate);
}

#[cfg(mutants)]
mod e1_load_then_store {
    suite!(chapter_19::mutants::e1_load_then_store);
}

#[cfg(mutants)]
mod e1_one_try {
    suite!(chapter_19::mutants::e1_one_try);
}

#[cfg(mutants)]
mod e1_one_too_many {
    suite!(chapter_19::mutants::e1_one_too_many);
}

#[cfg(mutants)]
mod e1_add_then_undo {
    suite!(chapter_19::mutants::e1_add_then_undo);
}
