//! A wrong spin lock for exercise 17.2.
//!
//! Wrong: waits until a load sees the lock free, then stores `true`: two threads can both see it
//! free and both take it.
//! Caught: two threads held the lock at once

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
        // Wait until the lock looks free, then take it.
        while self.locked.load(Ordering::Acquire) {
            spin_hint();
        }
        self.locked.store(true, Ordering::Relaxed);
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
