//! Exercise 16.2 — `Published<T>`: snapshots for readers, copy-change-publish for writers.
//!
//! The book's network race: a reader reads the primary key, pauses, then indexes the nodes,
//! while a writer deletes that node — `KeyError` (`cargo run -p chapter-16 -- run snapshot-read
//! --variant broken`). The book's fix copies the whole network on every read. Do it cheaply:
//! keep the value in an `Arc`, immutable once published. A reader clones the `Arc` (holding the
//! lock only for that) and reads its snapshot as long as it likes; a writer copies the current
//! value, changes the copy, and publishes it by replacing the `Arc`.
//!
//! Write `load` and `update`. Use the `Mutex` from `common::sync` and `common::sync::lock` (they
//! become the model checker's own under test).
//!
//! What the grader checks (`cargo xtask exercise check 16.2`):
//! - a snapshot taken before an update does not change; a load after it sees the update;
//! - readers never see a half-done update (two fields that must always add up, do) and no
//!   writer's update is lost — on real threads, and under shuttle across many schedules;
//! - the `snapshot-read --variant arc-mutex` example runs your code: it must count no KeyError.

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
        // TODO: lock `self.current` just long enough to clone the `Arc` in it (not the value!).
        let _ = &self.current;
        todo!("clone the current Arc under the lock")
    }

    /// Copies the current version, applies `change` to the copy, and publishes it.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        // TODO: lock `self.current`; clone the value it points to (`T::clone(&current)`); apply
        // `change` to the copy; store a new `Arc` of the copy. Keep the lock from the copy to the
        // store, or two writers may copy the same version and one's change is lost.
        let _ = change;
        todo!("copy, change, publish")
    }
}
