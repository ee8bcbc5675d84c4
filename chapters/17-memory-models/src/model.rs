//! The memory model, explored: every outcome a litmus test may have, found by trying them all
//! rather than by waiting for the hardware to show one.
//!
//! Whether `r1 = r2 = 0` is *allowed* is a question about the language, not about the machine:
//! x86 shows store buffering only when both threads run at the same instant (rarely, on a busy
//! machine), and never shows message passing's flag-without-data at all. So the chapter's
//! verdicts rest on this exploration and report the hardware's histogram beside it, as a
//! measurement.
//!
//! The model is the view-based reading of the C11/Rust model that loom also follows, small
//! enough to enumerate by hand:
//! - each location keeps the list of values stored to it, oldest first (its modification
//!   order; a new store goes last);
//! - each thread has a *view*: for each location, the oldest store it may still read. A load
//!   may return any store at or after the thread's view of that location — this is where the
//!   old value comes back — and moves the view to it (coherence: never read older again);
//! - a `Release` store carries the storing thread's view; an `Acquire` load that reads it takes
//!   that view in (everything the writer had seen, the reader now sees);
//! - `SeqCst` fences run in one total order through a shared view: each takes in what the
//!   fences before it saw and leaves what it sees for the ones after. A `SeqCst` store acts as
//!   a release store followed by such a fence, a `SeqCst` load as such a fence followed by an
//!   acquire load.
//!
//! The search is exhaustive over which thread steps next and which store each load reads, so an
//! outcome it does not find is one this model forbids; one it finds is allowed by the language
//! (the model only ever adds stores at the end of a location's order, which keeps it simpler
//! than C11 and never more permissive).
//! Book section: chapter 17, "Memory models" (the book describes reordering in words).

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use crate::litmus::Order;

/// One instruction of a litmus thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Store `value` to location `at`.
    Store {
        /// The location (0 or 1: `x`/`y`, or `data`/`flag`).
        at: usize,
        /// What is stored.
        value: u64,
        /// Its ordering.
        order: Ordering,
    },
    /// Load location `at` into the thread's next result.
    Load {
        /// The location.
        at: usize,
        /// Its ordering.
        order: Ordering,
    },
    /// `fence(SeqCst)`.
    Fence,
}

/// How many locations a litmus test uses.
const LOCATIONS: usize = 2;

/// For each location, the index of a store in its history.
type View = [usize; LOCATIONS];

/// A store in a location's history: its value, and the view a release store published.
#[derive(Debug, Clone, Copy)]
struct Store {
    value: u64,
    published: Option<View>,
}

#[derive(Debug, Clone)]
struct State {
    history: [Vec<Store>; LOCATIONS],
    view: Vec<View>,
    next: Vec<usize>,
    results: Vec<Vec<u64>>,
    seq_cst: View,
}

/// Every outcome of `threads` running from all locations at 0: for each complete execution,
/// what each thread's loads returned, in order.
pub fn outcomes(threads: &[&[Step]]) -> BTreeSet<Vec<Vec<u64>>> {
    let initial = Store {
        value: 0,
        published: None,
    };
    let state = State {
        history: [vec![initial], vec![initial]],
        view: vec![[0; LOCATIONS]; threads.len()],
        next: vec![0; threads.len()],
        results: vec![Vec::new(); threads.len()],
        seq_cst: [0; LOCATIONS],
    };
    let mut found = BTreeSet::new();
    explore(threads, state, &mut found);
    found
}

fn explore(threads: &[&[Step]], state: State, found: &mut BTreeSet<Vec<Vec<u64>>>) {
    let mut finished = true;
    for (t, program) in threads.iter().enumerate() {
        let Some(&step) = program.get(state.next[t]) else {
            continue;
        };
        finished = false;
        for mut after in successors(&state, t, step) {
            after.next[t] += 1;
            explore(threads, after, found);
        }
    }
    if finished {
        found.insert(state.results);
    }
}

/// The states thread `t` can reach by taking `step` (a load has one per store it may read).
fn successors(state: &State, t: usize, step: Step) -> Vec<State> {
    match step {
        Step::Fence => vec![fenced(state.clone(), t)],
        Step::Store { at, value, order } => {
            let mut after = state.clone();
            let published = matches!(
                order,
                Ordering::Release | Ordering::AcqRel | Ordering::SeqCst
            );
            after.history[at].push(Store {
                value,
                published: published.then_some(after.view[t]),
            });
            after.view[t][at] = after.history[at].len() - 1;
            if order == Ordering::SeqCst {
                after = fenced(after, t);
            }
            vec![after]
        }
        Step::Load { at, order } => {
            let before = if order == Ordering::SeqCst {
                fenced(state.clone(), t)
            } else {
                state.clone()
            };
            let acquires = matches!(
                order,
                Ordering::Acquire | Ordering::AcqRel | Ordering::SeqCst
            );
            (before.view[t][at]..before.history[at].len())
                .map(|read| {
                    let mut after = before.clone();
                    let store = after.history[at][read];
                    after.view[t][at] = read;
                    if let (true, Some(published)) = (acquires, store.published) {
                        after.view[t] = join(after.view[t], published);
                    }
                    after.results[t].push(store.value);
                    after
                })
                .collect()
        }
    }
}

/// Thread `t` passes a `SeqCst` fence: it sees what the fences before it saw, and leaves its
/// view for the fences after it.
fn fenced(mut state: State, t: usize) -> State {
    let view = join(state.view[t], state.seq_cst);
    state.view[t] = view;
    state.seq_cst = view;
    state
}

fn join(a: View, b: View) -> View {
    std::array::from_fn(|i| a[i].max(b[i]))
}

/// The pairs `(a, b)` a two-thread litmus test can end with, each thread returning one value
/// (its last load's).
pub fn pairs(a: &[Step], b: &[Step]) -> BTreeSet<(u64, u64)> {
    outcomes(&[a, b])
        .into_iter()
        .map(|results| {
            let last = |r: &Vec<u64>| r.last().copied().unwrap_or_default();
            (last(&results[0]), last(&results[1]))
        })
        .collect()
}

/// Store buffering as [`crate::litmus::sb_thread`] runs it with `order`: the `(r1, r2)` the
/// model allows.
pub fn store_buffering(order: Order) -> BTreeSet<(u64, u64)> {
    let thread = |mine: usize, other: usize| {
        let mut steps = vec![Step::Store {
            at: mine,
            value: 1,
            order: order.store(),
        }];
        if order == Order::Fence {
            steps.push(Step::Fence);
        }
        steps.push(Step::Load {
            at: other,
            order: order.load(),
        });
        steps
    };
    pairs(&thread(0, 1), &thread(1, 0))
}

/// Message passing as [`crate::litmus::mp_writer`] and [`crate::litmus::mp_reader`] run it
/// with `order` on the flag: the reader's `(flag, data)` the model allows, data 1 meaning "the
/// 42 was there" (as the example's histogram counts it).
pub fn message_passing(order: Order) -> BTreeSet<(u64, u64)> {
    let (data, flag) = (0, 1);
    let writer = [
        Step::Store {
            at: data,
            value: 42,
            order: Ordering::Relaxed,
        },
        Step::Store {
            at: flag,
            value: 1,
            order: order.store(),
        },
    ];
    let reader = [
        Step::Load {
            at: flag,
            order: order.load(),
        },
        Step::Load {
            at: data,
            order: Ordering::Relaxed,
        },
    ];
    outcomes(&[&reader, &writer])
        .into_iter()
        .map(|results| (results[0][0], u64::from(results[0][1] == 42)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::Variants as _;

    const X: usize = 0;

    #[test]
    fn store_buffering_reads_both_zeros_unless_a_full_barrier_stands_between() {
        let all: BTreeSet<_> = [(0, 0), (0, 1), (1, 0), (1, 1)].into();
        let strong: BTreeSet<_> = [(0, 1), (1, 0), (1, 1)].into();
        for &order in Order::CASES {
            let expected = if order.allows_store_buffering() {
                &all
            } else {
                &strong
            };
            assert_eq!(&store_buffering(order), expected, "{order:?}");
        }
    }

    #[test]
    fn message_passing_loses_the_data_only_with_a_relaxed_flag() {
        let relaxed = message_passing(Order::Relaxed);
        assert!(relaxed.contains(&(1, 0)), "{relaxed:?}");
        assert_eq!(
            message_passing(Order::ReleaseAcquire),
            [(0, 0), (0, 1), (1, 1)].into()
        );
    }

    #[test]
    fn a_thread_never_reads_older_than_it_has_read_or_written() {
        // Coherence: after storing 1, a thread's own load of the location returns 1, and a
        // reader that saw 2 never reads 1 afterwards.
        let own = [
            Step::Store {
                at: X,
                value: 1,
                order: Ordering::Relaxed,
            },
            Step::Load {
                at: X,
                order: Ordering::Relaxed,
            },
        ];
        assert_eq!(outcomes(&[&own]), [vec![vec![1]]].into());
        let writer = [
            Step::Store {
                at: X,
                value: 1,
                order: Ordering::Relaxed,
            },
            Step::Store {
                at: X,
                value: 2,
                order: Ordering::Relaxed,
            },
        ];
        let reader = [
            Step::Load {
                at: X,
                order: Ordering::Relaxed,
            },
            Step::Load {
                at: X,
                order: Ordering::Relaxed,
            },
        ];
        let seen: BTreeSet<Vec<u64>> = outcomes(&[&writer, &reader])
            .into_iter()
            .map(|r| r[1].clone())
            .collect();
        assert!(!seen.contains(&vec![2, 1]), "{seen:?}");
        assert!(
            seen.contains(&vec![0, 2]) && seen.contains(&vec![1, 1]),
            "{seen:?}"
        );
    }
}
