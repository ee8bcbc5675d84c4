//! The schedule that makes a lock-order deadlock form on any machine, however busy: a
//! rendezvous in the window between a thread's first lock and its second.
//!
//! A deadlock of opposite lock orders forms only if every thread on the would-be cycle takes
//! its first lock before any of them takes its second. Left to the scheduler that depends on
//! timing: a pause while holding the first lock makes it likely on an idle machine, but on one
//! whose cores are busy with other work a thread may not run inside another's pause, and the
//! broken program finishes — a deadlock-prone design that looks right. OSTEP's homework forces
//! such interleavings by hand; [`Member::rendezvous`] does it for the chapters' demos: a thread
//! that holds its first lock waits there until each thread of the group holds one of the
//! graph's locks, or is blocked on one somebody else holds, or has been to the rendezvous, or
//! is blocked on something else the program waits for ([`Member::waiting_elsewhere`]), or has
//! left the group (its [`Member`] was dropped).
//!
//! The rendezvous is scaffolding in the window, never a change to the code under study, and it
//! cannot deadlock a fix whose threads all go on to take a lock: a thread it waits for will
//! hold one or block on one, and a blocked thread counts as there. A hang guard bounds every
//! wait all the same. With one lock order everyone passes through; with opposite orders
//! everyone holds its first lock at the moment the last one arrives, so the cycle closes every
//! time.
//!
//! Used by chapter 12's `two-locks` and `dining-philosophers` and chapter 19's
//! `deadlock-debugging`, whose runners also keep a free-running schedule for a figure: how often
//! the deadlock forms on its own, on this machine now.

use std::marker::PhantomData;
use std::time::Duration;

use super::{GraphState, LockGraph, current_thread};

/// What runs in the window between a thread's first lock and its second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// On the first pass, [`Member::rendezvous`] with the whole group, waiting at most `guard`.
    Forced {
        /// The hang guard: never reached when the other threads run at all.
        guard: Duration,
    },
    /// Only the window's own pause: whether the others run inside it is the scheduler's
    /// business.
    FreeRunning,
}

/// One thread's place in a group that meets at the rendezvous. Dropped (the thread is done,
/// or unwinds), it counts its thread as present for good, so nobody waits for a thread that
/// will take no more locks.
#[derive(Debug)]
pub struct Member<'a> {
    graph: &'a LockGraph,
    /// The books are keyed by thread: a member stays on the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl LockGraph {
    /// The current thread's place in the group meeting at the rendezvous.
    pub fn member(&self) -> Member<'_> {
        Member {
            graph: self,
            _not_send: PhantomData,
        }
    }
}

/// How many threads the rendezvous can count as there right now. A thread waiting for a lock
/// nobody else holds is not blocked but about to take it: it is not there yet, or a thread
/// let go early could take that lock first and slip past the schedule.
fn present(state: &GraphState) -> usize {
    let mut threads: std::collections::HashSet<_> =
        state.met.union(&state.elsewhere).copied().collect();
    threads.extend(state.locks.iter().filter_map(|(_, holder)| *holder));
    threads.extend(state.waiting.iter().filter_map(|(&thread, &lock)| {
        state.locks[lock]
            .1
            .is_some_and(|holder| holder != thread)
            .then_some(thread)
    }));
    threads.len()
}

impl Member<'_> {
    /// Waits until `threads` threads, this one among them, are each there: holding or waiting
    /// for one of the graph's locks, arrived at this call before, blocked elsewhere, or gone.
    /// Returns whether they were; `false` if `guard` ran out first or the graph was aborted.
    #[cfg(not(shuttle))]
    pub fn rendezvous(&self, threads: usize, guard: Duration) -> bool {
        let graph = self.graph;
        let deadline = std::time::Instant::now() + guard;
        let (me, _) = current_thread();
        let mut state = graph.state.lock();
        state.met.insert(me);
        graph.changed.notify_all();
        while present(&state) < threads {
            if graph.is_aborted() || graph.changed.wait_until(&mut state, deadline).timed_out() {
                return present(&state) >= threads;
            }
        }
        true
    }

    /// Under shuttle nothing runs while this thread looks, so it yields to the others between
    /// looks; `guard` is wall time, which the model does not have: a bound on looks stands in.
    #[cfg(shuttle)]
    pub fn rendezvous(&self, threads: usize, _guard: Duration) -> bool {
        const LOOKS: usize = 10_000;
        let (me, _) = current_thread();
        self.graph.state.lock().met.insert(me);
        for _ in 0..LOOKS {
            if present(&self.graph.state.lock()) >= threads {
                return true;
            }
            if self.graph.is_aborted() {
                return false;
            }
            crate::sync::thread::yield_now();
        }
        false
    }

    /// Runs `wait`, a block on something the graph does not track (a waiter's seat), with this
    /// thread counted as there meanwhile.
    pub fn waiting_elsewhere<R>(&self, wait: impl FnOnce() -> R) -> R {
        let (me, _) = current_thread();
        {
            let mut state = self.graph.state.lock();
            state.elsewhere.insert(me);
            self.graph.changed.notify_all();
        }
        let result = wait();
        self.graph.state.lock().elsewhere.remove(&me);
        result
    }
}

impl Drop for Member<'_> {
    fn drop(&mut self) {
        let (me, _) = current_thread();
        self.graph.state.lock().met.insert(me);
        self.graph.changed.notify_all();
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use std::sync::Arc;
    use std::thread;

    use super::*;
    use crate::deadlock::{Abandoned, TrackedMutex};

    const GUARD: Duration = Duration::from_secs(10);

    /// A thread of [`pair`]: whether its rendezvous was met, and how its second lock went.
    type Thread = thread::JoinHandle<(bool, Result<(), Abandoned>)>;

    /// Two threads take two locks, thread `who` in the order `orders[who]`, meeting in the
    /// window; returns whether each rendezvous was met, and each thread's result.
    fn pair(orders: [(usize, usize); 2]) -> (Arc<LockGraph>, Vec<Thread>) {
        let graph = LockGraph::new();
        let locks: Arc<[TrackedMutex<()>; 2]> =
            Arc::new([graph.mutex("lock A", ()), graph.mutex("lock B", ())]);
        let threads = (0..2)
            .map(|who| {
                let (graph, locks) = (Arc::clone(&graph), Arc::clone(&locks));
                let (first, second) = orders[who];
                thread::Builder::new()
                    .name(["thread A", "thread B"][who].to_string())
                    .spawn(move || {
                        let member = graph.member();
                        let Ok(_first) = locks[first].lock() else {
                            return (false, Err(Abandoned));
                        };
                        let met = member.rendezvous(2, GUARD);
                        (met, locks[second].lock().map(|_| ()))
                    })
                    .expect("spawn")
            })
            .collect();
        (graph, threads)
    }

    /// The cycle the pair formed, or `None` once both threads are done without one.
    fn cycle_of(graph: &LockGraph, threads: &[Thread]) -> Option<super::super::WaitForCycle> {
        loop {
            if let Some(cycle) = graph.find_cycle() {
                return Some(cycle);
            }
            if threads.iter().all(thread::JoinHandle::is_finished) {
                return None;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn opposite_orders_deadlock_every_time_the_window_is_forced() {
        // No pause in the window at all: left to the scheduler, one thread would usually take
        // both locks before the other starts.
        for _ in 0..50 {
            let (graph, threads) = pair([(0, 1), (1, 0)]);
            let cycle = cycle_of(&graph, &threads).expect("the forced window closes the cycle");
            assert_eq!(cycle.links.len(), 2);
            graph.abort();
            for t in threads {
                assert_eq!(t.join().expect("no panic"), (true, Err(Abandoned)));
            }
        }
    }

    #[test]
    fn one_order_passes_through_the_rendezvous() {
        // Thread B waits for lock A (there), thread A finishes and leaves (there for good), then
        // B meets nobody missing.
        for _ in 0..50 {
            let (graph, threads) = pair([(0, 1), (0, 1)]);
            for t in threads {
                assert_eq!(t.join().expect("no panic"), (true, Ok(())));
            }
            assert!(graph.find_cycle().is_none());
        }
    }

    #[test]
    fn a_thread_blocked_elsewhere_counts_as_there() {
        let graph = LockGraph::new();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocked = thread::spawn({
            let graph = Arc::clone(&graph);
            move || graph.member().waiting_elsewhere(|| rx.recv().is_ok())
        });
        assert!(graph.member().rendezvous(2, GUARD));
        tx.send(()).expect("the blocked thread is listening");
        assert!(blocked.join().expect("no panic"));
    }

    #[test]
    fn the_hang_guard_ends_a_wait_for_a_thread_that_never_comes() {
        let graph = LockGraph::new();
        assert!(!graph.member().rendezvous(2, Duration::from_millis(20)));
    }

    #[test]
    fn an_abort_ends_the_wait() {
        let graph = LockGraph::new();
        let waiting = thread::spawn({
            let graph = Arc::clone(&graph);
            move || graph.member().rendezvous(2, GUARD)
        });
        while graph.state.lock().met.is_empty() {
            thread::yield_now();
        }
        graph.abort();
        assert!(!waiting.join().expect("no panic"));
    }
}
