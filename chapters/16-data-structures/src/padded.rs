//! `Padded<T>`: a value alone on its own cache line(s), so that threads updating neighbouring
//! values do not invalidate each other's caches (false sharing).
//!
//! Used by the sharded and approximate counters (`counters`, exercise 16.1), whose whole point
//! is that each thread touches memory no other thread touches. 128 bytes covers the 64-byte
//! lines of x86-64 and the pairs of lines that its prefetcher pulls together (and the 128-byte
//! lines of some ARM cores). Book: chapter 16, the approximate counter's per-CPU counts.

use std::ops::{Deref, DerefMut};

/// `T`, aligned (and so padded) to 128 bytes.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Padded<T>(pub T);

impl<T> Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Padded<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
