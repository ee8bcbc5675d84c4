//! A Treiber stack: a lock-free stack built on one compare-and-swap, with its memory reclaimed
//! safely (epoch-based, by `crossbeam-epoch`).
//!
//! **Why this module allows `unsafe`.** The workspace denies `unsafe_code`; `lib.rs` allows it
//! on this one module because the lesson *is* the unsafe part: a lock-free structure hands raw
//! pointers between threads, and deciding when a node may be freed — while another thread may
//! still be reading it — is exactly what the borrow checker cannot see and this chapter teaches.
//! Every `unsafe` block says why it is sound (`// SAFETY:`), and the stack's logic is model-
//! checked with loom (`tests/loom_treiber.rs`) and stress-tested on real threads.
//!
//! How it works. The stack is a singly linked list; `head` points to the top node.
//! - `push`: make a node whose `next` is the current head, then `compare_exchange(head, node)`;
//!   if another thread moved `head` meanwhile, the swap fails: retry with the new head.
//! - `pop`: read `head` and its `next`, then `compare_exchange(head, next)`; the winner owns the
//!   old head node: it moves the value out and must free the node — but when?
//!
//! **Why freeing eagerly is wrong.** Thread 1 reads `head = A` and `A.next = B`, and is
//! preempted. Thread 2 pops A and frees it: thread 1 still holds a pointer to A, and the next
//! time it reads through it, that is a use-after-free. Worse, the allocator may hand A's memory
//! right back: thread 2 pops B, frees it, and pushes a new node that lands at A's old address.
//! Thread 1 wakes, its `compare_exchange(head: A → B)` *succeeds* — the head is "A" again — and
//! installs B, a freed node, as the top of the stack. That is the **ABA problem**: a CAS
//! compares addresses, and an address freed and reused looks unchanged. (The `aba` variant of
//! `lock-free-stack` replays this on an index arena, in safe code, and counts the damage.)
//!
//! The cure is not to free a node while any thread might still hold a pointer to it. Two
//! reclamation schemes here, behind one [`Reclaim`](crate::treiber_stack::Reclaim) trait:
//! - [`Epoch`](crate::treiber_stack::Epoch) (the real one): every operation *pins* the current epoch; a popped node is
//!   *retired* and freed only after every thread pinned at the time has unpinned. No pointer a
//!   thread can still hold is ever freed, so no address is reused under it: no use-after-free,
//!   and no ABA.
//! - [`RetireList`](crate::treiber_stack::RetireList): retired nodes wait in a list until the stack is dropped. Correct for the
//!   same reason (nothing is freed while the stack is in use), memory grows with every pop. It
//!   exists for the loom model: crossbeam-epoch's own atomics are not loom's, so loom could not
//!   see inside it; with the retire list every atomic the stack touches is loom's, and the model
//!   checks the stack's CAS logic across every interleaving (see `tests/loom_treiber.rs`).
//!
//! Run: `cargo run -p chapter-16 -- run lock-free-stack`. Book: chapter 16's "mutex-free"
//! structures (the book's mutex-free network copies data instead; this is the real thing).

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;

use crate::sync::{AtomicPtr, Mutex, Ordering, UnsafeCell, lock};

/// One link of the stack. The value is moved out by the `pop` that unlinks the node, so freeing
/// the node must not drop it again: hence `ManuallyDrop`.
///
/// The fields are plain memory, not atomics: they are written before the node is published and
/// read after it is seen, and the `Release`/`Acquire` pair on `head` is what makes that safe.
/// They sit in [`UnsafeCell`]s from `crate::sync`, so that loom tracks every access to them and
/// would flag a read not ordered after its write.
struct Node<T> {
    value: UnsafeCell<ManuallyDrop<T>>,
    next: UnsafeCell<*mut Node<T>>,
}

/// When unlinked nodes are freed.
pub trait Reclaim: Default + Send + Sync {
    /// Held for the length of one operation: while it lives, nodes the operation may still read
    /// are not freed.
    type Guard;

    /// Starts an operation.
    fn pin(&self) -> Self::Guard;

    /// Frees `node` once no operation can still read it.
    ///
    /// # Safety
    /// `node` came from `Box::into_raw`, is unlinked (no new reader can reach it), and is
    /// retired exactly once.
    unsafe fn retire<N>(&self, guard: &Self::Guard, node: *mut N);
}

/// Epoch-based reclamation with crossbeam-epoch's global collector.
#[derive(Debug, Default)]
pub struct Epoch;

impl Reclaim for Epoch {
    type Guard = crossbeam_epoch::Guard;

    fn pin(&self) -> Self::Guard {
        crossbeam_epoch::pin()
    }

    unsafe fn retire<N>(&self, guard: &Self::Guard, node: *mut N) {
        let node = SendPtr(node);
        // SAFETY: the caller guarantees `node` is an unlinked `Box` retired once. The collector
        // runs the closure only after every thread pinned now has unpinned, and a thread can
        // hold a pointer to this node only from a load made while pinned: none is left then.
        unsafe {
            guard.defer_unchecked(move || {
                let node = node;
                drop(Box::from_raw(node.0));
            });
        }
    }
}

/// Retired nodes wait here until the stack is dropped (for the loom model; see the module doc).
#[derive(Debug, Default)]
pub struct RetireList {
    retired: Mutex<Vec<Retired>>,
}

/// A retired node and the function that frees it (the node's type is erased).
#[derive(Debug)]
struct Retired {
    node: *mut u8,
    free: unsafe fn(*mut u8),
}

// SAFETY: a `Retired` is only an unlinked node waiting to be freed; whichever thread drops the
// list frees it, and nobody else touches it.
unsafe impl Send for Retired {}

/// Frees a retired `Box<N>`.
///
/// # Safety
/// `node` came from `Box::<N>::into_raw` and is freed once.
unsafe fn free_box<N>(node: *mut u8) {
    // SAFETY: the caller's contract: `node` is a `Box<N>`'s pointer, freed once.
    drop(unsafe { Box::from_raw(node.cast::<N>()) });
}

impl Reclaim for RetireList {
    type Guard = ();

    fn pin(&self) -> Self::Guard {}

    unsafe fn retire<N>(&self, _guard: &(), node: *mut N) {
        lock(&self.retired).push(Retired {
            node: node.cast(),
            free: free_box::<N>,
        });
    }
}

impl Drop for RetireList {
    fn drop(&mut self) {
        for retired in lock(&self.retired).drain(..) {
            // SAFETY: each retired node was pushed once by `retire`, whose contract makes it an
            // unlinked `Box`; the stack is gone, so nobody can read it any more.
            unsafe { (retired.free)(retired.node) };
        }
    }
}

/// A raw pointer that may be sent to the collector's thread.
struct SendPtr<N>(*mut N);
// SAFETY: the pointer is to an unlinked node that only the deferred free will touch.
unsafe impl<N> Send for SendPtr<N> {}

/// A lock-free LIFO stack; `R` decides when popped nodes are freed.
pub struct TreiberStack<T, R: Reclaim = Epoch> {
    head: AtomicPtr<Node<T>>,
    reclaim: R,
    /// The stack owns `T`s (for drop checking and auto traits).
    _owns: PhantomData<T>,
}

// SAFETY: the stack moves `T`s between threads (pushed on one, popped on another), so it is
// `Send` and `Sync` exactly when `T: Send`; every shared access to a node goes through the
// atomic `head` and the reclaimer's rules.
unsafe impl<T: Send, R: Reclaim> Send for TreiberStack<T, R> {}
// SAFETY: as above: `&TreiberStack` only lets threads push and pop whole values.
unsafe impl<T: Send, R: Reclaim> Sync for TreiberStack<T, R> {}

impl<T, R: Reclaim> Default for TreiberStack<T, R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, R: Reclaim> std::fmt::Debug for TreiberStack<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreiberStack")
            .field("empty", &self.is_empty())
            .finish()
    }
}

impl<T, R: Reclaim> TreiberStack<T, R> {
    /// An empty stack.
    pub fn new() -> Self {
        Self {
            head: AtomicPtr::new(ptr::null_mut()),
            reclaim: R::default(),
            _owns: PhantomData,
        }
    }

    /// Pushes `value` on top.
    pub fn push(&self, value: T) {
        let node = Box::into_raw(Box::new(Node {
            value: UnsafeCell::new(ManuallyDrop::new(value)),
            next: UnsafeCell::new(ptr::null_mut()),
        }));
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            // SAFETY: `node` is ours alone until the CAS below publishes it.
            unsafe { (*node).next.with_mut(|next| *next = head) };
            // Release on success: a thread that later loads `node` from `head` (with Acquire)
            // sees its value and `next` written. The failed CAS returns the new head to retry
            // with; we do not read through it, so Relaxed.
            match self
                .head
                .compare_exchange(head, node, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(current) => head = current,
            }
        }
    }

    /// Pops the top value, or `None` if the stack is empty.
    pub fn pop(&self) -> Option<T> {
        let guard = self.reclaim.pin();
        loop {
            let head = self.head.load(Ordering::Acquire);
            if head.is_null() {
                return None;
            }
            // SAFETY: `head` was loaded while pinned. A node is retired only after it is
            // unlinked, and not freed while an operation pinned before its retirement is still
            // running (epoch) or while the stack exists (retire list), so `head` is still
            // allocated even if another thread popped it meanwhile (then our CAS fails).
            // `next` was written before the node was published (Release) and we loaded `head`
            // with Acquire, so this read sees it.
            let next = unsafe { (*head).next.with(|next| *next) };
            if self
                .head
                .compare_exchange(head, next, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                // SAFETY: our CAS unlinked `head`: no other pop can win it, so we alone move its
                // value out (once; the node's `ManuallyDrop` will not drop it again), and we
                // retire it once. It came from `Box::into_raw` in `push`.
                unsafe {
                    let value = ManuallyDrop::into_inner((*head).value.with(|v| ptr::read(v)));
                    self.reclaim.retire(&guard, head);
                    return Some(value);
                }
            }
        }
    }

    /// Whether the stack is empty right now (another thread may change that at once).
    pub fn is_empty(&self) -> bool {
        self.head.load(Ordering::Acquire).is_null()
    }
}

impl<T, R: Reclaim> Drop for TreiberStack<T, R> {
    fn drop(&mut self) {
        // `&mut self`: no other thread can touch the stack, so walk and free it directly.
        let mut current = self.head.load(Ordering::Relaxed);
        while !current.is_null() {
            // SAFETY: every linked node is a live `Box` owned by the stack, reachable once, and
            // its value was never moved out (only popped, unlinked nodes lose their value).
            let node = unsafe { Box::from_raw(current) };
            // SAFETY: `&mut self`: nobody else reads or writes the node's fields now.
            current = node.next.with(|next| unsafe { *next });
            // SAFETY: the value is still in the node (see above) and is dropped once, here.
            node.value
                .with_mut(|value| unsafe { ManuallyDrop::drop(&mut *value) });
        }
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn last_in_first_out() {
        let stack: TreiberStack<String> = TreiberStack::new();
        assert!(stack.is_empty());
        for word in ["a", "b", "c"] {
            stack.push(word.to_string());
        }
        assert_eq!(stack.pop().as_deref(), Some("c"));
        assert_eq!(stack.pop().as_deref(), Some("b"));
        stack.push("d".to_string());
        assert_eq!(stack.pop().as_deref(), Some("d"));
        assert_eq!(stack.pop().as_deref(), Some("a"));
        assert_eq!(stack.pop(), None);
    }

    #[test]
    fn values_left_in_the_stack_are_dropped_once() {
        let value = std::sync::Arc::new(());
        {
            let stack: TreiberStack<_, RetireList> = TreiberStack::new();
            for _ in 0..10 {
                stack.push(std::sync::Arc::clone(&value));
            }
            drop(stack.pop());
            drop(stack.pop());
            assert_eq!(std::sync::Arc::strong_count(&value), 9);
        }
        assert_eq!(std::sync::Arc::strong_count(&value), 1);
    }
}
