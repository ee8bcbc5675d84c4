//! Grading suite of exercise 12.1 (`lock_in_order`), run by `cargo xtask exercise check 12.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_ordered_locking.rs`. Two passes: real threads under a watchdog
//! (a deadlock fails fast with the wait-for cycle named), and, with `--features shuttle`, the
//! model checker across many schedules.

use std::sync::Arc;

use chapter_12::ordered_locking::lock_in_order;
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

#[cfg(not(feature = "shuttle"))]
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
        assert_eq!((*guards[0], *guards[1]), ('b', 'a'));
        drop(guards);
        let one = lock_in_order(&[&locks[0]]).expect("free lock");
        assert_eq!(*one[0], 'a');
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

#[cfg(feature = "shuttle")]
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
