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
//! - `load` hands out the published `Arc` itself: two loads with no update between them are
//!   the same `Arc` (`Arc::ptr_eq`), no copy of the value;
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
        // TODO: hand the reader the current version without copying the value, and without
        // holding the lock while the reader reads.
        let _ = &self.current;
        todo!("clone the current Arc under the lock")
    }

    /// Copies the current version, applies `change` to the copy, and publishes it.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        // TODO: publish a changed copy of the current version. Readers may still hold the old
        // one, and no writer's change may be lost when two writers update at once.
        let _ = change;
        todo!("copy, change, publish")
    }
}
