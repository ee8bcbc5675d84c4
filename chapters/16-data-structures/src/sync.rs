//! The one place this chapter's model-checked code takes its primitives from.
//!
//! Three builds, one source:
//! - normal builds: `std`'s atomics, `Mutex` and threads (through `common::sync`);
//! - `--features shuttle`: shuttle's (through `common::sync`), for the lock-based code, where
//!   randomized schedules scale to real workloads;
//! - `RUSTFLAGS="--cfg loom"`: loom's, for the lock-free stack, whose orderings and compare-and-
//!   swap loops loom explores exhaustively (shuttle does not model weak memory).
//!
//! The code under test (`treiber_stack.rs`, the approximate counter) imports from here only, so
//! the model checker checks the code the examples run, not a copy. Book: chapter 16 (the
//! checked structures); the project's testing conventions.

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

/// Locks `mutex`; a thread that panicked while holding it left plain counts consistent, so a
/// poisoned lock is taken anyway.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
