//! The ABA problem, replayed safely: a lock-free stack over an index arena whose freed slots are
//! reused, with and without a tag on the head.
//!
//! A Treiber stack's `pop` reads `head = A` and `A.next = B`, then swaps `head` from A to B. If,
//! between the read and the swap, other threads pop A, pop B and push a new element that reuses
//! A's memory, the head is "A" again and the swap succeeds — installing B, which is free. With
//! real pointers that is a use-after-free (undefined behaviour, which this chapter will not
//! run). Here nodes are slots of an arena and "pointers" are slot numbers: freeing a slot puts it
//! back on a free list (first freed, first reused), so the same schedule corrupts the stack with
//! no undefined behaviour — and the damage can be counted: the freed slot B is popped a second
//! time (a duplicate), and B's slot is on the free list and in the stack at once.
//!
//! The classic fix is a tag: the head word holds (generation, slot), and every successful swap
//! bumps the generation, so a head that went A → … → A again no longer compares equal. Epoch
//! reclamation (`treiber_stack.rs`) fixes it differently: no slot is reused while a thread that
//! might hold it is still inside an operation.
//!
//! Used by `lock-free-stack --variant aba` and `--variant tagged`, which script the schedule
//! above on two real threads with a handshake. Book: chapter 16's mutex-free structures (the
//! book does not reach ABA; this is what its lock-free designs must face).

use std::collections::VecDeque;

use crate::sync::{AtomicU64, Mutex, Ordering, lock};

/// "No slot": the end of the list.
pub const NIL: u32 = u32::MAX;

/// A lock-free stack of `u64`s on an arena of fixed capacity.
#[derive(Debug)]
pub struct ArenaStack {
    /// (generation << 32) | slot of the top node.
    head: AtomicU64,
    /// Each slot's next slot.
    next: Vec<AtomicU64>,
    /// Each slot's value.
    value: Vec<AtomicU64>,
    /// Free slots, reused first freed, first reused.
    free: Mutex<VecDeque<u32>>,
    /// Whether the head carries a generation tag.
    tagged: bool,
}

fn word(generation: u64, slot: u32) -> u64 {
    (generation << 32) | u64::from(slot)
}

fn slot_of(word: u64) -> u32 {
    // The low half is the slot: truncation is the point.
    (word & 0xFFFF_FFFF) as u32
}

impl ArenaStack {
    /// An empty stack with room for `capacity` elements.
    pub fn new(capacity: u32, tagged: bool) -> Self {
        Self {
            head: AtomicU64::new(word(0, NIL)),
            next: (0..capacity)
                .map(|_| AtomicU64::new(u64::from(NIL)))
                .collect(),
            value: (0..capacity).map(|_| AtomicU64::new(0)).collect(),
            free: Mutex::new((0..capacity).collect()),
            tagged,
        }
    }

    /// The head word after a successful swap to `slot`: the generation bumped if tagged.
    fn next_head(&self, old: u64, slot: u32) -> u64 {
        if self.tagged {
            word((old >> 32) + 1, slot)
        } else {
            word(0, slot)
        }
    }

    /// Pushes `value`; `false` if the arena is full.
    pub fn push(&self, value: u64) -> bool {
        let Some(slot) = lock(&self.free).pop_front() else {
            return false;
        };
        self.value[slot as usize].store(value, Ordering::Relaxed);
        let mut head = self.head.load(Ordering::Acquire);
        loop {
            self.next[slot as usize].store(u64::from(slot_of(head)), Ordering::Relaxed);
            match self.head.compare_exchange(
                head,
                self.next_head(head, slot),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(current) => head = current,
            }
        }
    }

    /// Pops the top value; `between` runs once, after the first read of `head` and its next
    /// and before the swap (the window in which the schedule is scripted). Also returns how
    /// many swaps it tried (1: the first one won).
    pub fn pop_with(&self, between: impl FnOnce()) -> (Option<u64>, u32) {
        let mut between = Some(between);
        let mut attempts = 0;
        loop {
            let head = self.head.load(Ordering::Acquire);
            let slot = slot_of(head);
            if slot == NIL {
                return (None, attempts);
            }
            let next = slot_of(self.next[slot as usize].load(Ordering::Acquire));
            if let Some(pause) = between.take() {
                pause();
            }
            attempts += 1;
            if self
                .head
                .compare_exchange(
                    head,
                    self.next_head(head, next),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
            {
                let value = self.value[slot as usize].load(Ordering::Relaxed);
                lock(&self.free).push_back(slot);
                return (Some(value), attempts);
            }
        }
    }

    /// Pops the top value.
    pub fn pop(&self) -> Option<u64> {
        self.pop_with(|| {}).0
    }

    /// Pops until empty, at most `limit` times (a corrupted list may cycle), returning the values.
    pub fn drain(&self, limit: usize) -> Vec<u64> {
        std::iter::from_fn(|| self.pop()).take(limit).collect()
    }
}

/// What the scripted schedule did to the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbaRun {
    /// Every value popped, by both threads and the final drain, in order.
    pub popped: Vec<u64>,
    /// Values popped more than once (counted once per extra pop).
    pub duplicates: usize,
    /// Values pushed but never popped.
    pub lost: usize,
    /// Whether thread 1's stale swap succeeded.
    pub stale_swap_won: bool,
}

/// The values: A, B, C pushed first (C at the bottom), then X by thread 2.
pub const A: u64 = 1;
/// See [`A`].
pub const B: u64 = 2;
/// See [`A`].
pub const C: u64 = 3;
/// See [`A`].
pub const X: u64 = 24;

/// A value's letter, for the narrative.
pub fn name(value: u64) -> char {
    match value {
        A => 'A',
        B => 'B',
        C => 'C',
        X => 'X',
        _ => '?',
    }
}

/// Replays the ABA schedule on two threads: thread 1 starts a pop (reads head A, next B) and
/// waits; thread 2 pops A, pops B, pushes X (which reuses A's slot); thread 1's swap then runs.
pub fn scripted(tagged: bool) -> anyhow::Result<AbaRun> {
    use std::sync::Arc;
    let stack = Arc::new(ArenaStack::new(8, tagged));
    for value in [C, B, A] {
        stack.push(value);
    }
    // The three slots were taken in order 0, 1, 2; return the five unused ones' turn after A's
    // and B's, so that X reuses A's slot as a fast allocator would reuse the last block freed.
    lock(&stack.free).clear();
    let (read_tx, read_rx) = std::sync::mpsc::channel::<()>();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let first = {
        let stack = Arc::clone(&stack);
        std::thread::spawn(move || {
            stack.pop_with(|| {
                let _ = read_tx.send(());
                let _ = go_rx.recv_timeout(std::time::Duration::from_secs(5));
            })
        })
    };
    read_rx
        .recv_timeout(std::time::Duration::from_secs(5))
        .map_err(|_| anyhow::anyhow!("thread 1 never reached its swap"))?;
    let mut popped = Vec::new();
    popped.extend(stack.pop()); // A: its slot is freed
    popped.extend(stack.pop()); // B: its slot is freed
    stack.push(X); // reuses A's slot: the head is "A" again, and A.next is now C
    let _ = go_tx.send(());
    let (value, attempts) = first
        .join()
        .map_err(|_| anyhow::anyhow!("thread 1 panicked"))?;
    // Thread 1 read head = A, next = B. If its first swap won, the head became B — a freed
    // slot — and it returned what A's slot holds now, X. If it failed (tagged), it retried.
    let stale_swap_won = attempts == 1;
    popped.extend(value);
    popped.extend(stack.drain(16));
    let pushed = [A, B, C, X];
    let duplicates = pushed
        .iter()
        .map(|v| popped.iter().filter(|p| *p == v).count().saturating_sub(1))
        .sum();
    let lost = pushed.iter().filter(|v| !popped.contains(v)).count();
    Ok(AbaRun {
        popped,
        duplicates,
        lost,
        stale_swap_won,
    })
}
