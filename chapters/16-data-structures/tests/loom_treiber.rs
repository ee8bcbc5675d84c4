//! Loom models of the lock-free code: the Treiber stack's compare-and-swap loops, and the ABA
//! arena with and without its tag. Loom runs every interleaving (up to `LOOM_MAX_PREEMPTIONS`
//! preemptions) and every ordering the memory model allows for loom's atomics.
//!
//! Run with `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2 cargo test
//! -p chapter-16 --release --test loom_treiber` (the loom pass of `cargo xtask test`).
//!
//! Why the stack is checked with [`RetireList`] and not [`Epoch`]: crossbeam-epoch's atomics are
//! not loom's (it has its own `crossbeam_loom` build, not this one), so under loom its pins and
//! deferred frees would be invisible to the checker — or, worse, its global collector would run
//! outside the model. The retire list frees nothing until the stack is dropped, which is
//! sufficient for safety (no node is freed while a thread can read it) and keeps every atomic the
//! stack touches a loom atomic: what is checked is the push/pop logic and its orderings. Epoch
//! reclamation is crossbeam's, checked by crossbeam's own loom suite; our use of it is exercised
//! by the stress tests.

#![cfg(loom)]

use std::sync::Arc;

use chapter_16::aba::ArenaStack;
use chapter_16::sync::thread;
use chapter_16::treiber_stack::{RetireList, TreiberStack};

type Stack = TreiberStack<u32, RetireList>;

fn sorted(mut values: Vec<u32>) -> Vec<u32> {
    values.sort_unstable();
    values
}

#[test]
fn concurrent_push_and_pop_lose_and_duplicate_nothing() {
    loom::model(|| {
        let stack = Arc::new(Stack::new());
        stack.push(1);
        let threads: Vec<_> = [2, 3]
            .into_iter()
            .map(|v| {
                let stack = Arc::clone(&stack);
                thread::spawn(move || {
                    stack.push(v);
                    stack.pop()
                })
            })
            .collect();
        let mut seen: Vec<u32> = threads
            .into_iter()
            .filter_map(|t| t.join().expect("no panic"))
            .collect();
        // Each thread pushed before popping: the stack was never empty for its pop.
        assert_eq!(seen.len(), 2, "a pop found the stack empty");
        seen.extend(std::iter::from_fn(|| stack.pop()));
        assert_eq!(sorted(seen), vec![1, 2, 3]);
    });
}

#[test]
fn racing_pops_take_each_value_once() {
    loom::model(|| {
        let stack = Arc::new(Stack::new());
        for v in [1, 2] {
            stack.push(v);
        }
        let popper = {
            let stack = Arc::clone(&stack);
            thread::spawn(move || stack.pop())
        };
        let pusher = {
            let stack = Arc::clone(&stack);
            thread::spawn(move || stack.push(3))
        };
        let mine = stack.pop();
        let theirs = popper.join().expect("no panic");
        pusher.join().expect("no panic");
        let mut seen: Vec<u32> = mine.into_iter().chain(theirs).collect();
        seen.extend(std::iter::from_fn(|| stack.pop()));
        assert_eq!(sorted(seen), vec![1, 2, 3]);
    });
}

/// Thread 1 pops once while the main thread pops twice and pushes a new value (which may reuse a
/// freed slot). Every value pushed must come out exactly once.
fn aba_model(tagged: bool) {
    loom::model(move || {
        let stack = Arc::new(ArenaStack::new(3, tagged));
        for v in [30, 20, 10] {
            stack.push(v);
        }
        let first = {
            let stack = Arc::clone(&stack);
            thread::spawn(move || stack.pop())
        };
        let mut seen: Vec<u64> = Vec::new();
        seen.extend(stack.pop());
        seen.extend(stack.pop());
        assert!(stack.push(99), "arena full");
        seen.extend(first.join().expect("no panic"));
        seen.extend(stack.drain(8));
        seen.sort_unstable();
        assert_eq!(
            seen,
            vec![10, 20, 30, 99],
            "ABA: a value lost or popped twice"
        );
    });
}

#[test]
#[should_panic(expected = "ABA: a value lost or popped twice")]
fn loom_finds_the_aba_corruption_without_a_tag() {
    aba_model(false);
}

#[test]
fn loom_finds_no_aba_with_a_generation_tag() {
    aba_model(true);
}
