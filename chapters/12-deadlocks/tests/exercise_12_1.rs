//! Grading suite of exercise 12.1 (`lock_in_order`), run by `cargo xtask exercise check 12.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_ordered_locking.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails.
//!
//! Two passes: real threads under a watchdog (a deadlock fails fast with the wait-for cycle
//! named), and, with `--cfg shuttle`, the model checker across many schedules. A wrong order
//! deadlocks only in some runs, so the real-threads pass does not wait for luck: it holds one
//! lock itself, lets the function block on the other, and reads from the wait-for graph which
//! lock it took first — for both listings of the same two locks.

/// The tests, against the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
use std::sync::Arc;

use $($module)::+::lock_in_order;
use common::deadlock::{LockGraph, TrackedMutex};

/// Three locks and three threads that want `[a, b]`, `[b, c]` and `[c, a]`: taken in the listed
/// order, the three can close a cycle a → b → c → a.
const WANTS: [[usize; 2]; 3] = [[0, 1], [1, 2], [2, 0]];
const NAMES: [&str; 3] = ["lock a", "lock b", "lock c"];

fn three_locks(graph: &Arc<LockGraph>) -> Arc<[TrackedMutex<u64>; 3]> {
    Arc::new(NAMES.map(|name| graph.mutex(name, 0)))
}

/// Thread `who` takes its two locks `rounds` times and bumps both counters each time.
fn take_turns(locks: &[TrackedMutex<u64>; 3], who: usize, rounds: u64, on_round: &dyn Fn()) {
    let [x, y] = WANTS[who];
    for _ in 0..rounds {
        let mut guards =
            lock_in_order(&[&locks[x], &locks[y]]).unwrap_or_else(|e| panic!("thread {who}: {e}"));
        assert_eq!(guards.len(), 2, "one guard per lock");
        *guards[0] += 1;
        *guards[1] += 1;
        // Release before yielding: a thread descheduled while holding locks stalls the others.
        drop(guards);
        on_round();
    }
}

#[cfg(not(shuttle))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    #[test]
    fn guards_come_back_in_the_callers_order() {
        let graph = LockGraph::new();
        let locks = [graph.mutex("first", 'a'), graph.mutex("second", 'b')];
        // Listed highest address first: taken lowest first, returned as listed.
        let guards = lock_in_order(&[&locks[1], &locks[0]]).expect("free locks");
        assert_eq!(guards.len(), 2);
        assert_eq!(
            (*guards[0], *guards[1]),
            ('b', 'a'),
            "guards[i] must guard locks[i], in the caller's order"
        );
        drop(guards);
        let one = lock_in_order(&[&locks[0]]).expect("free lock");
        assert_eq!(*one[0], 'a');
    }

    /// Which of two locks, `lock a` (the lower address) or `lock b`, `lock_in_order` takes
    /// first when they are listed as `listed`: this thread holds `lock a`, the caller blocks on
    /// it, and whether the caller holds `lock b` meanwhile says which it took first.
    fn takes_first(listed: [usize; 2]) -> &'static str {
        let graph = LockGraph::new();
        let locks = Arc::new([graph.mutex("lock a", 0u64), graph.mutex("lock b", 0u64)]);
        let held = locks[0].lock().expect("free");
        let theirs = Arc::clone(&locks);
        let caller = std::thread::Builder::new()
            .name("caller".into())
            .spawn(move || {
                let both = [&theirs[listed[0]], &theirs[listed[1]]];
                lock_in_order(&both).map(|guards| guards.len())
            })
            .expect("spawned");
        // A backstop, not a verdict: the caller blocks on `lock a` within microseconds.
        let give_up = std::time::Instant::now() + Duration::from_secs(5);
        while !graph.waiting().iter().any(|(thread, _)| thread == "caller") {
            if caller.is_finished() || std::time::Instant::now() > give_up {
                drop(held);
                let ended = caller.join().map_err(|e| common::watchdog::panic_message(&*e));
                panic!("lock_in_order did not wait for a lock another thread held: {ended:?}");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let holds_b = graph
            .holdings()
            .iter()
            .any(|(thread, locks)| thread == "caller" && locks.iter().any(|l| l == "lock b"));
        drop(held);
        let taken = caller
            .join()
            .unwrap_or_else(|e| panic!("{}", common::watchdog::panic_message(&*e)));
        assert_eq!(taken, Ok(2), "one guard per lock");
        if holds_b { "lock b" } else { "lock a" }
    }

    #[test]
    fn the_order_does_not_depend_on_the_listing() {
        let listed_ab = takes_first([0, 1]);
        let listed_ba = takes_first([1, 0]);
        assert_eq!(
            listed_ab, listed_ba,
            "the order depends on how the locks are listed: listed [a, b] it takes {listed_ab} \
             first, listed [b, a] {listed_ba} first. Two threads listing the same locks in \
             opposite orders can then each hold one and wait for the other: take them in one \
             global order (by address), whatever the listing"
        );
    }

    #[test]
    fn three_threads_in_a_cycle_of_wants_never_deadlock() {
        const ROUNDS: u64 = 2_000;
        let graph = LockGraph::new();
        let locks = three_locks(&graph);
        let workers = (0..3)
            .map(|who| {
                let locks = Arc::clone(&locks);
                worker(format!("thread {who}"), move |ctx: &WorkerCtx| {
                    // A yield between rounds lets the others in, so a wrong order meets them.
                    take_turns(&locks, who, ROUNDS, &|| {
                        ctx.progress();
                        std::thread::yield_now();
                    })
                })
            })
            .collect();
        // A deadlock on these tracked locks is caught at once by the wait-for graph; the stall
        // timer is only a backstop, generous so that a loaded machine cannot trip it.
        let report = Watchdog::new(Duration::from_secs(20))
            .stall_after(Duration::from_secs(3))
            .with_lock_graph(&graph)
            .run(workers);
        // The ending first: a deadlock's cycle says more than the aborted threads' panics.
        assert_finished(&report, "");
        // Every lock is wanted by two of the threads: no update may be lost.
        for lock in locks.iter() {
            assert_eq!(*lock.lock().expect("free"), 2 * ROUNDS);
        }
    }
}

#[cfg(shuttle)]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    #[test]
    fn no_schedule_deadlocks_or_loses_an_update() {
        model_check(|| {
            let graph = LockGraph::new();
            let locks = three_locks(&graph);
            let threads: Vec<_> = (0..3)
                .map(|who| {
                    let locks = Arc::clone(&locks);
                    spawn_named(format!("thread {who}"), move || {
                        take_turns(&locks, who, 2, &|| {})
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("no thread panicked");
            }
            for lock in locks.iter() {
                assert_eq!(*lock.lock().expect("free"), 4);
            }
        });
    }
}
    };
}

/// The learner's `lock_in_order` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_12::ordered_locking);
}

#[cfg(mutants)]
mod e1_listed_order {
    suite!(chapter_12::mutants::e1_listed_order);
}

#[cfg(mutants)]
mod e1_sorted_guards {
    suite!(chapter_12::mutants::e1_sorted_guards);
}

#[cfg(mutants)]
mod e1_sorts_positions {
    suite!(chapter_12::mutants::e1_sorts_positions);
}
