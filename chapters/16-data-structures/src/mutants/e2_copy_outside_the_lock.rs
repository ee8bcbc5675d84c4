//! A wrong `Published<T>` for exercise 16.2.
//!
//! Wrong: `update` copies a snapshot from `load`, changes it with no lock held, then locks
//! only to store it, so two writers that copy the same version lose one change.
//! Caught: updates lost

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
        Arc::clone(&common::sync::lock(&self.current))
    }

    /// Copies the current version, applies `change` to the copy, and publishes it.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        let mut next = T::clone(&self.load());
        change(&mut next);
        *common::sync::lock(&self.current) = Arc::new(next);
    }
}
