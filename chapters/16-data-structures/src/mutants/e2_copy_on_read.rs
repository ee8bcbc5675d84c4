//! A wrong `Published<T>` for exercise 16.2.
//!
//! Wrong: `load` copies the value into a new `Arc` on every read (the book's `deepcopy`):
//! correct snapshots, but every reader pays for a copy of the whole value.
//! Caught: `load` copied the value

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
        Arc::new(T::clone(&common::sync::lock(&self.current)))
    }

    /// Copies the current version, applies `change` to the copy, and publishes it.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        let mut current = common::sync::lock(&self.current);
        let mut next = T::clone(&current);
        change(&mut next);
        *current = Arc::new(next);
    }
}
