//! Grading suite of exercise 19.1 (`InstanceGate`, the cap behind `max_instances`), run by
//! `cargo xtask exercise check 19.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_instance_gate.rs`. Two passes: real threads under a watchdog,
//! and, with `--features shuttle`, the model checker across many schedules.

#![cfg(not(loom))]

use std::sync::Arc;

use chapter_19::instance_gate::InstanceGate;
use common::sync::atomic::{AtomicUsize, Ordering};

/// Enters if it may, counts itself in, records the most seen inside, counts itself out, leaves.
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

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::{self, assert_finished};
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    fn within_a_watchdog<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
        testing::watched("grader", Duration::from_secs(20), body)
    }

    #[test]
    fn admits_exactly_max_and_frees_a_place_on_leave() {
        within_a_watchdog(|| {
            let gate = InstanceGate::new(2);
            assert!(gate.try_enter(), "first of 2 places");
            assert!(gate.try_enter(), "second of 2 places");
            assert!(!gate.try_enter(), "a third run must be skipped");
            assert_eq!(gate.running(), 2);
            gate.leave();
            assert_eq!(gate.running(), 1, "leave gives a place back");
            assert!(gate.try_enter(), "the freed place can be taken again");
            assert!(
                !InstanceGate::new(0).try_enter(),
                "a gate of 0 admits nobody"
            );
        });
    }

    #[test]
    fn eight_threads_never_see_more_than_max_inside() {
        const MAX: usize = 3;
        let gate = Arc::new(InstanceGate::new(MAX));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let admitted = Arc::new(AtomicUsize::new(0));
        let workers = (0..8)
            .map(|i| {
                let (gate, inside, most, admitted) = (
                    Arc::clone(&gate),
                    Arc::clone(&inside),
                    Arc::clone(&most),
                    Arc::clone(&admitted),
                );
                worker(format!("run {i}"), move |ctx: &WorkerCtx| {
                    for _ in 0..2_000 {
                        if visit(&gate, &inside, &most) {
                            admitted.fetch_add(1, Ordering::SeqCst);
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
        let most = most.load(Ordering::SeqCst);
        assert!(most <= MAX, "{most} runs inside a gate of {MAX}");
        assert!(
            admitted.load(Ordering::SeqCst) > 0,
            "nobody was ever admitted"
        );
        assert_eq!(gate.running(), 0, "every place given back");
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    #[test]
    fn no_schedule_lets_three_into_a_gate_of_two() {
        model_check(|| {
            let gate = Arc::new(InstanceGate::new(2));
            let inside = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let (gate, inside, most) =
                        (Arc::clone(&gate), Arc::clone(&inside), Arc::clone(&most));
                    spawn_named(format!("run {i}"), move || visit(&gate, &inside, &most))
                })
                .collect();
            let admitted = threads
                .into_iter()
                .map(|t| t.join().expect("no run panicked"))
                .filter(|&entered| entered)
                .count();
            assert!(
                most.load(Ordering::SeqCst) <= 2,
                "three runs inside a gate of 2"
            );
            assert!(
                admitted >= 2,
                "a gate of 2 turned away a run while a place was free"
            );
            assert_eq!(gate.running(), 0);
        });
    }
}
