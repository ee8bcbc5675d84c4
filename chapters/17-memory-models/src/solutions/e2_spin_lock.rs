//! Reference solution of exercise 17.2: a spin lock from one `AtomicBool`.
//!
//! Taking the lock is a compare-and-swap from `false` to `true` with `Acquire` ordering on
//! success: whatever the previous holder wrote before its `Release` store of `false` is then
//! visible to us. While the lock is taken we spin on a plain `Relaxed` load (test-and-test-and-
//! set): a failing CAS still takes the cache line exclusively, so spinning on CAS makes the
//! waiters fight the holder for its own line; a load lets every waiter spin on a shared copy.
//!
//! A spin lock burns its core while it waits. That is a good trade only when critical sections
//! are a few instructions long and every thread has its own core: with more threads than cores,
//! a waiter may spin away its whole time slice while the holder is not even running
//! (`cargo run --release -p chapter-17 -- run cas-loop --variant spin-lock` measures it).
//!
//! Run `cargo xtask exercise check 17.2` to grade your own version in `exercises/`.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};

use crate::sync::{AtomicBool, Ordering, spin_hint};

/// A mutual-exclusion lock that waits by spinning.
#[derive(Debug)]
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to `value` to one thread at a time (the `locked` flag, taken
// with an Acquire CAS and released with a Release store), so sharing a `SpinLock<T>` between
// threads is sound whenever `T` may be sent between them — the same rule as `std::sync::Mutex`.
#[allow(unsafe_code)]
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        Self {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Spins until the lock is free, takes it, and returns the guard that releases it on drop.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Wait on a read-only load until the lock looks free, then try the CAS again.
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
        SpinGuard { lock: self }
    }

    /// The value, without locking: `&mut self` proves nobody else can hold the lock.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Access to a [`SpinLock`]'s value; dropping it releases the lock.
#[derive(Debug)]
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a guard exists only while its thread holds the lock, so no other reference
        // to the value exists.
        #[allow(unsafe_code)]
        unsafe {
            &*self.lock.value.get()
        }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the guard's only live borrow.
        #[allow(unsafe_code)]
        unsafe {
            &mut *self.lock.value.get()
        }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Release: our writes to the value happen-before the next holder's Acquire CAS.
        self.lock.locked.store(false, Ordering::Release);
    }
}
