//! Exercise 20.1 — the bounded buffer: write `put`, `take` and `close` with a `Mutex` and two
//! `Condvar`s.
//!
//! A bounded buffer is a queue of at most `capacity` items shared by producers and consumers. A
//! producer that finds it full must sleep until a consumer makes room; a consumer that finds it
//! empty must sleep until a producer brings an item. `close` is how the pipeline shuts down: no
//! more puts; consumers drain what is left, then get `None`. The struct, `new`, `len` and the
//! `wait` helper are written (lock with `common::sync::lock(&self.state)`, which tolerates a
//! poisoned lock); the three methods marked `TODO` are yours. Use only the
//! `Mutex` and `Condvar` from `common::sync` (they become the model checker's own under test).
//!
//! What the grader checks (`cargo xtask exercise check 20.1`):
//! - FIFO order, `put` failing with the item back after `close`, `take` draining then `None`
//!   (and never `None` before `close`);
//! - the buffer never holds more than its capacity;
//! - producers and consumers (1:1, 2:2 with capacity 1, 3:2) deliver every item exactly once
//!   (count and checksum) and nobody hangs at close — on real threads under a watchdog, and
//!   under the shuttle model checker across many schedules (a lost wake-up is a deadlock there;
//!   an `if` where a `while` belongs is an item taken from an empty buffer).

use std::collections::VecDeque;

use common::sync::{Condvar, Mutex, MutexGuard, lock};

/// A FIFO queue of at most `capacity` items, shared by producers and consumers.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    /// The items and the closed flag, behind one lock.
    pub(crate) state: Mutex<State<T>>,
    /// Signalled when an item arrives (or the buffer closes): consumers wait on it.
    pub(crate) not_empty: Condvar,
    /// Signalled when an item leaves (or the buffer closes): producers wait on it.
    pub(crate) not_full: Condvar,
    /// The most items the buffer holds at once.
    pub(crate) capacity: usize,
}

/// What the lock protects.
#[derive(Debug)]
pub(crate) struct State<T> {
    /// The queued items, oldest first.
    pub(crate) items: VecDeque<T>,
    /// Set by `close`: no more puts; takes drain what is left, then return `None`.
    pub(crate) closed: bool,
}

impl<T> BoundedBuffer<T> {
    /// An empty, open buffer that holds at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Waits while the buffer is full, then appends `item` and wakes one consumer. Returns the
    /// item back as `Err` if the buffer is (or becomes, while waiting) closed.
    pub fn put(&self, item: T) -> Result<(), T> {
        // TODO: wait while the buffer is full (with the `wait` helper below); give the item back
        // if the buffer is closed; otherwise queue it, and wake whoever waits for an item.
        let _fields_you_need = (&self.not_full, &self.not_empty, self.capacity);
        let _ = item;
        todo!("put an item, waiting while the buffer is full")
    }

    /// Waits while the buffer is empty and open, then removes the oldest item and wakes one
    /// producer. Returns `None` once the buffer is closed and drained.
    pub fn take(&self) -> Option<T> {
        // TODO: wait while there is nothing to take; `None` only once the buffer is closed and
        // drained; after taking an item, wake whoever waits for room.
        todo!("take an item, waiting while the buffer is empty")
    }

    /// Closes the buffer: later puts fail, takes drain what is left and then return `None`.
    /// Wakes everyone, since every waiter must look at the closed flag.
    pub fn close(&self) {
        // TODO: no more puts after this, and every thread waiting in `put` or `take` must find
        // out.
        todo!("close the buffer")
    }

    /// Items queued right now.
    pub fn len(&self) -> usize {
        lock(&self.state).items.len()
    }

    /// True if no item is queued right now (which says nothing about items still to come).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most items the buffer holds at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Sleeps on `condvar`, giving the lock back while asleep; returns it re-locked.
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
