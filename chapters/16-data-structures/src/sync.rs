//! The one place this chapter's model-checked code takes its primitives from.
//!
//! Three builds, one source:
//! - normal builds: `std`'s atomics, `Mutex` and threads (through `common::sync`);
//! - `--cfg shuttle`: shuttle's (through `common::sync`), for the lock-based code, where
//!   randomized schedules scale to real workloads;
//! - `RUSTFLAGS="--cfg loom"`: loom's, for the lock-free stack, whose orderings and compare-and-
//!   swap loops loom explores exhaustively (shuttle does not model weak memory).
//!
//! The code under test (`treiber_stack.rs`, the approximate counter) imports from here only, so
//! the model checker checks the code the examples run, not a copy. Book: chapter 16 (the
//! checked structures); the project's testing conventions.

#[cfg(loom)]
pub use loom::cell::UnsafeCell;
#[cfg(loom)]
pub use loom::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
#[cfg(loom)]
pub use loom::sync::{Mutex, MutexGuard};
#[cfg(loom)]
pub use loom::thread;

#[cfg(not(loom))]
pub use common::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub use common::sync::{Mutex, MutexGuard, thread};

/// `std`'s `UnsafeCell` with loom's interface (`with`, `with_mut`), so that the Treiber stack's
/// plain (non-atomic) node fields are *tracked* under loom: loom then reports a read of a node
/// field that does not happen-after its write — a missing `Release`/`Acquire` — as a data race.
#[cfg(not(loom))]
#[derive(Debug)]
pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Self(std::cell::UnsafeCell::new(value))
    }

    /// Runs `f` with a pointer to read the value through.
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a pointer to write the value through.
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// Locks `mutex`; a thread that panicked while holding it left plain counts consistent, so a
/// poisoned lock is taken anyway.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// A `std` mutex no model checker replaces (the examples' measured structures).
pub use common::sync::std_lock as lock_std;
