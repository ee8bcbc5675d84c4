//! Reference solution of exercise 16.2: `Published<T>`, a value readers snapshot without holding
//! a lock while they read, and writers replace by copy, change, publish.
//!
//! The book's fix for its network race (`Chapter16/concurrent_network.py`) makes every reader
//! `deepcopy` the whole network, so that nothing can change under it. Copying on every read is
//! expensive, and the copy itself reads the live network while a writer may be changing it.
//! Turn it around: the value is immutable once published; a reader takes an `Arc` to the current
//! one (the lock is held for one reference-count increment) and may keep it as long as it likes;
//! a writer copies the current value, changes the copy and publishes it by swapping the `Arc`.
//! Old versions are freed when their last reader lets go. Read-copy-update, in twenty lines.
//!
//! Writers hold the lock from the copy to the swap, so two writers cannot both copy the same
//! version and lose one's change. Readers never wait for a reader, and wait for a writer only
//! while it copies.
//!
//! Run `cargo xtask exercise check 16.2` to grade your own version in `exercises/`.

use std::sync::Arc;

use common::sync::Mutex;

/// A value published as immutable snapshots.
#[derive(Debug)]
pub struct Published<T> {
    current: Mutex<Arc<T>>,
}

impl<T: Clone> Published<T> {
    /// Publishes the first version.
    pub fn new(value: T) -> Self {
        Self {
            current: Mutex::new(Arc::new(value)),
        }
    }

    /// The current version: a snapshot that no writer can change.
    pub fn load(&self) -> Arc<T> {
        // The guard is a temporary: the lock is released at the end of this statement, before
        // the caller reads anything.
        Arc::clone(&common::sync::lock(&self.current))
    }

    /// Copies the current version, applies `change` to the copy, and publishes it.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        let mut current = common::sync::lock(&self.current);
        let mut next = T::clone(&current);
        change(&mut next);
        *current = Arc::new(next);
    }
}
