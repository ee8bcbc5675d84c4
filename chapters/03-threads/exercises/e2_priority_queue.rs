//! Exercise 3.2 — a blocking priority queue for worker threads: a `BinaryHeap` behind a `Mutex`,
//! a `Condvar` to sleep on while it is empty, and a `closed` flag for a clean shutdown.
//!
//! The book's chapter 3 drains a FIFO `queue.Queue` with worker threads and names Python's
//! `queue.PriorityQueue` as its priority twin. Write that twin: `pop` returns the greatest item
//! present, blocks (without spinning) while the queue is empty and open, and returns `None` once
//! the queue is closed *and* drained. Use the `Mutex` and `Condvar` from `common::sync` (they
//! become the model checker's own under test).
//!
//! What the grader checks (`cargo xtask exercise check 3.2`):
//! - a single worker gets the items greatest first; `push` after `close` gives the item back;
//!   items still queued at `close` are all popped; a closed, drained queue pops `None` at once;
//! - a worker in `pop` on an empty, open queue falls asleep (the grader reads its thread's state
//!   and CPU time: blocked, not spinning), and wakes when an item is pushed;
//! - workers seen asleep in `pop` all wake at `close` and get `None` (no one sleeps forever);
//! - producers and workers at once: no item lost or duplicated, and `pop` gives `None` only once
//!   the queue is closed and drained — on real threads under a watchdog, and under shuttle;
//! - with the queue filled before the workers start, each worker sees non-increasing priorities.

use std::collections::BinaryHeap;

use common::sync::{Condvar, Mutex, MutexGuard, lock};

/// What the mutex guards: the items and whether more may come.
#[derive(Debug)]
struct State<T> {
    heap: BinaryHeap<T>,
    closed: bool,
}

/// A multi-producer, multi-consumer priority queue: `pop` returns the greatest item first.
#[derive(Debug)]
pub struct PriorityQueue<T> {
    state: Mutex<State<T>>,
    available: Condvar,
}

impl<T: Ord> Default for PriorityQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord> PriorityQueue<T> {
    /// An empty, open queue.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                heap: BinaryHeap::new(),
                closed: false,
            }),
            available: Condvar::new(),
        }
    }

    /// Items waiting right now.
    pub fn len(&self) -> usize {
        self.state().heap.len()
    }

    /// True if no item is waiting right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True once `close` has been called.
    pub fn is_closed(&self) -> bool {
        self.state().closed
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }

    /// Adds an item and wakes one waiting worker. After `close`, gives the item back as `Err`.
    pub fn push(&self, item: T) -> Result<(), T> {
        // TODO: refuse the item once the queue is closed; otherwise add it, so that a worker
        // asleep in `pop` gets to it.
        let _fields_you_need = (item, &self.available);
        todo!("push an item")
    }

    /// Takes the greatest item, waiting while the queue is empty and open. `None` once the queue
    /// is closed and empty: the worker's signal to stop.
    pub fn pop(&self) -> Option<T> {
        // TODO: sleep while there is nothing to pop and the queue is open; then take the
        // greatest item, or `None` if the queue is closed and drained.
        todo!("pop the greatest item")
    }

    /// No more items will come: every worker, including those asleep in `pop`, must find out
    /// and stop once the queue is drained.
    pub fn close(&self) {
        // TODO: mark the queue closed so that every worker, asleep or not, finds out.
        todo!("close the queue")
    }
}
