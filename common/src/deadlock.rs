//! Deadlock detection with a wait-for graph: locks that know who holds them and who waits for
//! them, so a deadlock is reported as "philosopher 0 holds fork 0 and waits for fork 1" and then
//! broken, instead of hanging the program.
//!
//! A [`LockGraph`] records, for every [`TrackedMutex`] made from it, which thread holds it, and for
//! every waiting thread, which lock it waits for. Following "thread waits for lock, lock is held by
//! thread" edges from a waiting thread either ends at a thread that is running, or comes back to
//! where it started: that cycle is a deadlock, since nobody on it can move until somebody else on
//! it does. The [`crate::watchdog::Watchdog`] looks for cycles while a group runs; once it finds
//! one it calls [`LockGraph::abort`], and every thread still waiting in [`TrackedMutex::lock`] gets
//! `Err(Abandoned)` back and can unwind. The threads really were stuck: the abort is the only way
//! out, as killing the process would be in the book's Python.
//!
//! Why a graph of our own rather than `parking_lot`'s `deadlock_detection`: parking_lot reports
//! thread ids and backtraces, not lock names, and cannot release the stuck threads afterwards.
//!
//! Under `--cfg shuttle` the lock is shuttle's own, so the model checker explores the
//! schedules, and the graph keeps its books on shuttle's threads. There nothing runs between two
//! scheduling points, so the cycle is checked the moment a thread is about to wait: if the
//! lock's holder waits, through the chain, for a lock this thread holds, waiting would close the
//! cycle, and the test fails at once with the same "holds … and waits for …" lines a real run
//! reports, instead of shuttle's bare list of blocked tasks.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(shuttle))]
use std::time::Duration;

use crate::sync::thread::ThreadId;

pub mod rendezvous;

/// Returned by [`TrackedMutex::lock`] when the watchdog gave up on a deadlocked group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Abandoned;

impl fmt::Display for Abandoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("lock wait abandoned: the watchdog broke a deadlock")
    }
}

impl std::error::Error for Abandoned {}

/// One step of a wait-for cycle: `thread` holds `holds` and waits for `waits_for`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleLink {
    /// The waiting thread's name.
    pub thread: String,
    /// The lock it holds that the previous thread on the cycle waits for.
    pub holds: String,
    /// The lock it waits for, held by the next thread on the cycle.
    pub waits_for: String,
}

/// A deadlock: threads each holding a lock the next one waits for, back to the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitForCycle {
    /// The links in order, starting from the thread whose name sorts first.
    pub links: Vec<CycleLink>,
}

impl WaitForCycle {
    /// One line per thread: "philosopher 0 holds fork 0 and waits for fork 1 (held by philosopher 1)";
    /// a thread waiting for a lock it holds itself: "main waits for my_lock, which it holds
    /// already".
    pub fn lines(&self) -> Vec<String> {
        let n = self.links.len();
        if let [link] = self.links.as_slice() {
            return vec![format!(
                "{} waits for {}, which it holds already",
                link.thread, link.waits_for
            )];
        }
        self.links
            .iter()
            .enumerate()
            .map(|(i, link)| {
                format!(
                    "{} holds {} and waits for {} (held by {})",
                    link.thread,
                    link.holds,
                    link.waits_for,
                    self.links[(i + 1) % n].thread
                )
            })
            .collect()
    }
}

impl fmt::Display for WaitForCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.lines().join("; "))
    }
}

#[derive(Debug, Default)]
struct GraphState {
    /// Per lock: its name and the thread holding it.
    locks: Vec<(String, Option<ThreadId>)>,
    /// Per waiting thread: the lock it waits for.
    waiting: HashMap<ThreadId, usize>,
    /// Names of the threads seen, for the report.
    names: HashMap<ThreadId, String>,
    /// Threads that reached the [`rendezvous`] or left the group: present for good.
    met: HashSet<ThreadId>,
    /// Threads blocked on something the graph does not track (a waiter's seat).
    elsewhere: HashSet<ThreadId>,
}

/// The wait-for graph shared by a group of [`TrackedMutex`]es.
#[derive(Debug, Default)]
pub struct LockGraph {
    /// Kept behind a lock the model checker does not see: the books are not part of the program
    /// under test, and under shuttle every use is over before the next scheduling point.
    state: parking_lot::Mutex<GraphState>,
    /// Told of every change to the books, for threads waiting at the [`rendezvous`].
    changed: parking_lot::Condvar,
    aborted: AtomicBool,
}

/// How often a waiting thread wakes to see whether the watchdog has given up on it.
#[cfg(not(shuttle))]
const ABORT_POLL: Duration = Duration::from_millis(5);

fn current_thread() -> (ThreadId, String) {
    let me = crate::sync::thread::current();
    let name = me
        .name()
        .map_or_else(|| format!("{:?}", me.id()), str::to_string);
    (me.id(), name)
}

impl LockGraph {
    /// A new, empty graph.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Makes a lock named `name` (e.g. "fork 3") guarding `value`, tracked by this graph.
    pub fn mutex<T>(self: &Arc<Self>, name: impl Into<String>, value: T) -> TrackedMutex<T> {
        let id = {
            let mut state = self.state.lock();
            state.locks.push((name.into(), None));
            state.locks.len() - 1
        };
        TrackedMutex {
            graph: Arc::clone(self),
            id,
            #[cfg(not(shuttle))]
            inner: parking_lot::Mutex::new(value),
            #[cfg(shuttle)]
            inner: shuttle::sync::Mutex::new(value),
        }
    }

    /// Tells every thread waiting on this graph's locks to give up with [`Abandoned`].
    pub fn abort(&self) {
        self.aborted.store(true, Ordering::SeqCst);
        let _books = self.state.lock();
        self.changed.notify_all();
    }

    /// Whether [`LockGraph::abort`] was called.
    pub fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::SeqCst)
    }

    /// Looks for a wait-for cycle in one consistent snapshot of the graph.
    ///
    /// A cycle found here is a real deadlock, never a false alarm: a holder is recorded only
    /// after the lock is taken and forgotten before it is released, and a waiter is forgotten
    /// only after it got its lock, so every recorded "holds" is true and every "waits" edge on a
    /// cycle points at a lock someone else truly holds.
    pub fn find_cycle(&self) -> Option<WaitForCycle> {
        let state = self.state.lock();
        let mut starts: Vec<ThreadId> = state.waiting.keys().copied().collect();
        starts.sort_by_key(|t| state.names.get(t).cloned().unwrap_or_default());
        starts
            .into_iter()
            .find_map(|start| Self::cycle_from(&state, start))
    }

    /// The cycle reached by walking thread -> lock it waits for -> that lock's holder -> ...
    /// from `start`, if the walk comes back to a thread already on it.
    fn cycle_from(state: &GraphState, start: ThreadId) -> Option<WaitForCycle> {
        let mut path: Vec<(ThreadId, usize)> = Vec::new();
        let mut current = start;
        while let Some(&lock) = state.waiting.get(&current) {
            path.push((current, lock));
            let holder = state.locks[lock].1?;
            if let Some(pos) = path.iter().position(|(t, _)| *t == holder) {
                return Some(Self::describe(state, &path[pos..]));
            }
            current = holder;
        }
        None
    }

    fn describe(state: &GraphState, cycle: &[(ThreadId, usize)]) -> WaitForCycle {
        let name = |t: &ThreadId| state.names.get(t).cloned().unwrap_or_default();
        let n = cycle.len();
        let mut links: Vec<CycleLink> = (0..n)
            .map(|i| CycleLink {
                thread: name(&cycle[i].0),
                // This thread holds what the previous thread on the cycle waits for.
                holds: state.locks[cycle[(i + n - 1) % n].1].0.clone(),
                waits_for: state.locks[cycle[i].1].0.clone(),
            })
            .collect();
        // Start the report at the thread whose name sorts first, for stable output.
        let first = (0..n)
            .min_by_key(|&i| natural_key(&links[i].thread))
            .unwrap_or(0);
        links.rotate_left(first);
        WaitForCycle { links }
    }

    /// Every thread that holds at least one lock, with the locks it holds (for reports).
    pub fn holdings(&self) -> Vec<(String, Vec<String>)> {
        let state = self.state.lock();
        let mut by_thread: HashMap<ThreadId, Vec<String>> = HashMap::new();
        for (name, holder) in &state.locks {
            if let Some(t) = holder {
                by_thread.entry(*t).or_default().push(name.clone());
            }
        }
        let mut out: Vec<(String, Vec<String>)> = by_thread
            .into_iter()
            .map(|(t, locks)| (state.names.get(&t).cloned().unwrap_or_default(), locks))
            .collect();
        out.sort_by_key(|entry| natural_key(&entry.0));
        out
    }

    /// Every thread waiting for a lock right now, with the lock it waits for (for tests that
    /// must see a thread blocked before they look at what it holds).
    pub fn waiting(&self) -> Vec<(String, String)> {
        let state = self.state.lock();
        let mut out: Vec<(String, String)> = state
            .waiting
            .iter()
            .map(|(t, &lock)| {
                let thread = state.names.get(t).cloned().unwrap_or_default();
                (thread, state.locks[lock].0.clone())
            })
            .collect();
        out.sort();
        out
    }
}

/// Sorts "philosopher 10" after "philosopher 9": text first, then the trailing number.
fn natural_key(name: &str) -> (String, u64) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (text, number) = name.split_at(name.len() - digits);
    (text.to_string(), number.parse().unwrap_or(0))
}

/// A mutex that reports itself to a [`LockGraph`]: who holds it, who waits for it.
#[derive(Debug)]
pub struct TrackedMutex<T> {
    graph: Arc<LockGraph>,
    id: usize,
    #[cfg(not(shuttle))]
    inner: parking_lot::Mutex<T>,
    #[cfg(shuttle)]
    inner: shuttle::sync::Mutex<T>,
}

/// Proof that the current thread holds a [`TrackedMutex`]; releases it (and tells the graph) on drop.
pub struct TrackedGuard<'a, T> {
    lock: &'a TrackedMutex<T>,
    #[cfg(not(shuttle))]
    guard: parking_lot::MutexGuard<'a, T>,
    #[cfg(shuttle)]
    guard: shuttle::sync::MutexGuard<'a, T>,
}

impl<T> TrackedMutex<T> {
    /// Blocks until the lock is ours, or until the watchdog abandons a deadlocked group.
    #[cfg(not(shuttle))]
    pub fn lock(&self) -> Result<TrackedGuard<'_, T>, Abandoned> {
        let (me, name) = current_thread();
        {
            let mut state = self.graph.state.lock();
            state.names.insert(me, name);
            state.waiting.insert(me, self.id);
            self.graph.changed.notify_all();
        }
        loop {
            // After an abort every wait fails, even one that just got its lock: the group is
            // being torn down, and a thread that slipped through would only deadlock again.
            if let Some(guard) = self.inner.try_lock_for(ABORT_POLL)
                && !self.graph.is_aborted()
            {
                let mut state = self.graph.state.lock();
                state.waiting.remove(&me);
                state.locks[self.id].1 = Some(me);
                self.graph.changed.notify_all();
                return Ok(TrackedGuard { lock: self, guard });
            }
            if self.graph.is_aborted() {
                self.graph.state.lock().waiting.remove(&me);
                return Err(Abandoned);
            }
        }
    }

    /// Under shuttle: a plain blocking lock, so the model checker sees the real wait; a wait
    /// that would close a wait-for cycle fails the test with the cycle.
    #[cfg(shuttle)]
    pub fn lock(&self) -> Result<TrackedGuard<'_, T>, Abandoned> {
        if self.graph.is_aborted() {
            return Err(Abandoned);
        }
        let (me, name) = current_thread();
        let cycle = {
            let mut state = self.graph.state.lock();
            state.names.insert(me, name);
            state.waiting.insert(me, self.id);
            LockGraph::cycle_from(&state, me)
        };
        if let Some(cycle) = cycle {
            panic!("deadlock! wait-for cycle: {cycle}");
        }
        let guard = self.inner.lock().map_err(|_| Abandoned)?;
        let mut state = self.graph.state.lock();
        state.waiting.remove(&me);
        state.locks[self.id].1 = Some(me);
        Ok(TrackedGuard { lock: self, guard })
    }

    /// Takes the lock if it is free right now; never waits, so it never joins a cycle.
    pub fn try_lock(&self) -> Option<TrackedGuard<'_, T>> {
        #[cfg(not(shuttle))]
        let guard = self.inner.try_lock()?;
        #[cfg(shuttle)]
        let guard = self.inner.try_lock().ok()?;
        let (me, name) = current_thread();
        let mut state = self.graph.state.lock();
        state.names.insert(me, name);
        state.locks[self.id].1 = Some(me);
        self.graph.changed.notify_all();
        Some(TrackedGuard { lock: self, guard })
    }

    /// The graph this lock reports to.
    pub fn graph(&self) -> &Arc<LockGraph> {
        &self.graph
    }
}

impl<T> Drop for TrackedGuard<'_, T> {
    fn drop(&mut self) {
        // Forget the holder *before* the inner guard (a field) releases the lock, so the graph
        // never claims a holder that has already let go.
        self.lock.graph.state.lock().locks[self.lock.id].1 = None;
        self.lock.graph.changed.notify_all();
    }
}

impl<T> Deref for TrackedGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for TrackedGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::thread;

    #[test]
    fn no_cycle_when_nobody_waits() {
        let graph = LockGraph::new();
        let a = graph.mutex("lock A", 0);
        let guard = a.lock().expect("free lock");
        assert!(graph.find_cycle().is_none());
        assert_eq!(graph.holdings().len(), 1);
        drop(guard);
        assert!(graph.holdings().is_empty());
    }

    #[test]
    fn two_threads_in_opposite_order_form_a_named_cycle_and_abort_frees_them() {
        let graph = LockGraph::new();
        let locks = Arc::new([graph.mutex("lock A", ()), graph.mutex("lock B", ())]);
        let both_hold_one = Arc::new(Barrier::new(2));
        let spawn = |name: &str, first: usize| {
            let locks = Arc::clone(&locks);
            let barrier = Arc::clone(&both_hold_one);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    let _held = locks[first].lock()?;
                    barrier.wait();
                    locks[1 - first].lock().map(|_| ())
                })
                .expect("spawn")
        };
        let a = spawn("thread A", 0);
        let b = spawn("thread B", 1);
        let cycle = loop {
            if let Some(cycle) = graph.find_cycle() {
                break cycle;
            }
            thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(
            cycle.lines(),
            [
                "thread A holds lock A and waits for lock B (held by thread B)",
                "thread B holds lock B and waits for lock A (held by thread A)",
            ]
        );
        graph.abort();
        assert_eq!(a.join().expect("no panic"), Err(Abandoned));
        assert_eq!(b.join().expect("no panic"), Err(Abandoned));
    }

    #[test]
    fn try_lock_fails_while_held_and_records_the_holder() {
        let graph = LockGraph::new();
        let fork = graph.mutex("fork 0", 5);
        let mut held = fork.try_lock().expect("free");
        *held += 1;
        let other = thread::spawn({
            let graph = Arc::clone(&graph);
            move || graph.holdings()
        })
        .join()
        .expect("no panic");
        assert_eq!(other[0].1, ["fork 0"]);
        assert!(thread::scope(|s| s.spawn(|| fork.try_lock().is_none()).join()).expect("joins"));
        drop(held);
        assert_eq!(*fork.lock().expect("free again"), 6);
    }

    #[test]
    fn a_thread_waiting_for_its_own_lock_is_said_in_one_line() {
        let graph = LockGraph::new();
        let lock = graph.mutex("my_lock", ());
        let _held = lock.lock().expect("free");
        // What a second `lock()` on this thread records before it blocks; written by hand here,
        // since the real call would wait forever.
        let me = std::thread::current().id();
        let mut state = graph.state.lock();
        state.waiting.insert(me, lock.id);
        let cycle = LockGraph::cycle_from(&state, me).expect("a one-link cycle");
        assert_eq!(cycle.lines().len(), 1);
        assert!(
            cycle
                .to_string()
                .ends_with("waits for my_lock, which it holds already"),
            "{cycle}"
        );
    }

    #[test]
    fn natural_key_orders_numbers() {
        assert!(natural_key("philosopher 9") < natural_key("philosopher 10"));
    }
}
