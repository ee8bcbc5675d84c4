//! A wrong bounded buffer for exercise 20.1.
//!
//! Wrong: `take` never wakes a producer, so a producer that found the buffer full sleeps on after
//! the consumers have emptied it.
//! Caught: does `take` wake a producer on `not_full`?

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
        let mut state = lock(&self.state);
        while state.items.len() >= self.capacity && !state.closed {
            state = wait(&self.not_full, state);
        }
        if state.closed {
            return Err(item);
        }
        state.items.push_back(item);
        drop(state);
        // One new item can satisfy one consumer. (Two condition variables make notify_one
        // enough: only consumers wait on `not_empty`.)
        self.not_empty.notify_one();
        Ok(())
    }

    /// Waits while the buffer is empty and open, then removes the oldest item and wakes one
    /// producer. Returns `None` once the buffer is closed and drained.
    pub fn take(&self) -> Option<T> {
        let mut state = lock(&self.state);
        while state.items.is_empty() && !state.closed {
            state = wait(&self.not_empty, state);
        }
        // Nobody hears that there is room now.
        state.items.pop_front()
    }

    /// Closes the buffer: later puts fail, takes drain what is left and then return `None`.
    /// Wakes everyone, since every waiter must look at the closed flag.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
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
