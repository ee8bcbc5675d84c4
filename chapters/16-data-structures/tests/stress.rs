//! Concurrent stress tests: many threads hammer each structure, then every element is counted —
//! none may be lost, none duplicated. The schedules are whatever the OS gives (the model checks
//! in `model_check.rs` and `loom_treiber.rs` cover schedules systematically); these cover real
//! hardware, real allocators and larger sizes.

#![cfg(not(any(shuttle, loom)))]

use std::sync::Arc;

use chapter_16::linked_list;
use chapter_16::lock_free_stack::{self, Bag};
use chapter_16::treiber_stack::{RetireList, TreiberStack};

#[test]
fn no_structure_loses_or_duplicates_a_value() {
    for name in lock_free_stack::STRUCTURES {
        for threads in [2, 4] {
            let run =
                lock_free_stack::stress(lock_free_stack::make(name, threads), threads, 20_000)
                    .expect("runs");
            assert_eq!(
                (run.lost, run.duplicated),
                (0, 0),
                "{name}, {threads} threads: {run:?}"
            );
        }
    }
}

#[test]
fn the_retire_list_stack_loses_nothing_either() {
    let stack: Arc<dyn Bag> = Arc::new(TreiberStack::<u64, RetireList>::new());
    let run = lock_free_stack::stress(stack, 4, 20_000).expect("runs");
    assert_eq!((run.lost, run.duplicated), (0, 0), "{run:?}");
}

#[test]
fn producers_and_consumers_apart_move_every_value_once() {
    // Pushers and poppers on different threads: nodes are freed by threads that did not
    // allocate them, while others still read the head.
    const EACH: u64 = 25_000;
    let stack = Arc::new(TreiberStack::<u64>::new());
    let pushers: Vec<_> = (0..2u64)
        .map(|p| {
            let stack = Arc::clone(&stack);
            std::thread::spawn(move || (p * EACH..(p + 1) * EACH).for_each(|v| stack.push(v)))
        })
        .collect();
    let poppers: Vec<_> = (0..2)
        .map(|_| {
            let stack = Arc::clone(&stack);
            std::thread::spawn(move || {
                let mut got = Vec::new();
                let mut idle = 0;
                while idle < 1_000_000 {
                    match stack.pop() {
                        Some(v) => {
                            got.push(v);
                            idle = 0;
                        }
                        None => idle += 1,
                    }
                    if got.len() as u64 == 2 * EACH {
                        break;
                    }
                }
                got
            })
        })
        .collect();
    for p in pushers {
        p.join().expect("pusher");
    }
    let mut all: Vec<u64> = poppers
        .into_iter()
        .flat_map(|p| p.join().expect("popper"))
        .collect();
    all.extend(std::iter::from_fn(|| stack.pop()));
    all.sort_unstable();
    assert_eq!(all, (0..2 * EACH).collect::<Vec<_>>());
}

#[test]
fn both_lists_keep_every_keys_tally() {
    for kind in linked_list::KINDS {
        for threads in [2, 4] {
            let run =
                linked_list::stress(linked_list::make(kind), threads, 5_000, 64, 9).expect("runs");
            assert!(run.sorted, "{kind}: {run:?}");
            assert_eq!(run.bad_keys, 0, "{kind}, {threads} threads: {run:?}");
        }
    }
}

#[test]
fn disjoint_inserts_all_land_and_all_leave() {
    for kind in linked_list::KINDS {
        let set = linked_list::make(kind);
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                let set = Arc::clone(&set);
                std::thread::spawn(move || {
                    // Interleaved keys: every thread works all along the list.
                    for k in (t..400).step_by(4) {
                        assert!(set.insert(k), "{k} inserted once");
                    }
                    for k in (t..400).step_by(4) {
                        assert!(set.contains(k));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no thread panicked");
        }
        assert_eq!(set.to_vec(), (0..400).collect::<Vec<_>>(), "{kind}");
        let removers: Vec<_> = (0..4u64)
            .map(|t| {
                let set = Arc::clone(&set);
                std::thread::spawn(move || {
                    for k in (t..400).step_by(4) {
                        assert!(set.remove(k), "{k} removed once");
                        assert!(!set.remove(k), "{k} is gone");
                    }
                })
            })
            .collect();
        for t in removers {
            t.join().expect("no thread panicked");
        }
        assert!(set.to_vec().is_empty(), "{kind}");
    }
}

#[test]
fn a_long_list_drops_without_recursing_deeply() {
    for kind in linked_list::KINDS {
        let set = linked_list::make(kind);
        for k in (0..200_000).rev() {
            set.insert(k);
        }
        assert!(set.contains(199_999));
        drop(set);
    }
}
