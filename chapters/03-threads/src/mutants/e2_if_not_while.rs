//! A wrong priority queue for exercise 3.2.
//!
//! Wrong: pop() waits with `if` instead of `while`, so a worker woken for an item another worker took returns `None` while the queue is open.
//! Caught: while the queue was still open

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
        let mut state = self.state();
        if state.closed {
            return Err(item);
        }
        state.heap.push(item);
        drop(state);
        self.available.notify_one();
        Ok(())
    }

    /// Takes the greatest item, waiting while the queue is empty and open. `None` once the queue
    /// is closed and empty: the worker's signal to stop.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.state();
        if state.heap.is_empty() && !state.closed {
            state = self
                .available
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.heap.pop()
    }

    /// No more items will come: wake *every* waiting worker so each sees the flag and stops
    /// once the queue is drained.
    pub fn close(&self) {
        self.state().closed = true;
        self.available.notify_all();
    }
}
